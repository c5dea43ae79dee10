/// A model that calls `onChange` after each change of its state. The app
/// bridges it to SwiftUI (an `ObservableObject` that forwards the call), so
/// the models need neither Combine nor SwiftUI and compile everywhere.
@MainActor
public protocol ChangeReporting: AnyObject {
    /// Called after every change of state.
    var onChange: (() -> Void)? { get set }
}

extension WalletModel: ChangeReporting {}
extension VerifierModel: ChangeReporting {}
