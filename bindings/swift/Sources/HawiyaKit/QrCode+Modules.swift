import Foundation

extension QrCode {
    /// Whether the module at `row`, `column` (from the top left, without the
    /// quiet zone) is dark. Positions outside the code are light, like the
    /// quiet zone around it.
    public func isDark(row: Int, column: Int) -> Bool {
        let side = Int(size)
        guard row >= 0, column >= 0, row < side, column < side else { return false }
        let index = row * side + column
        return index < modules.count && modules[index]
    }

    /// The modules as rows from the top, each from the left: what a drawing
    /// loop wants.
    public var rows: [[Bool]] {
        let side = Int(size)
        guard side > 0, modules.count == side * side else { return [] }
        return stride(from: 0, to: modules.count, by: side).map { Array(modules[$0 ..< $0 + side]) }
    }

    /// Light modules to leave around the code when drawing it.
    public static let quietZoneModules = 4
}
