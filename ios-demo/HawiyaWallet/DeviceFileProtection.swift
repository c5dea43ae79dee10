import Foundation
import HawiyaDemoLogic

/// iOS data protection for the demo's folder and files: left out of iCloud
/// and computer backups, and encrypted with a key the phone discards shortly
/// after it locks (`FileProtectionType.complete`), so they cannot be read
/// while the phone is locked. The app only touches the wallet in the
/// foreground, and locks it when it leaves.
struct DeviceFileProtection: FileProtecting {
    func protect(_ url: URL) throws {
        try FileManager.default.setAttributes(
            [.protectionKey: FileProtectionType.complete], ofItemAtPath: url.path
        )
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        var target = url
        try target.setResourceValues(values)
    }
}
