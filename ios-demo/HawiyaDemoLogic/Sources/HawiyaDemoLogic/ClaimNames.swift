import HawiyaKit

extension ClaimKey {
    /// The claim's name on screen.
    public var title: String {
        switch self {
        case .documentNumber: return "ID number"
        case .nameAr: return "Name (Arabic)"
        case .nameEn: return "Name"
        case .birthDate: return "Date of birth"
        case .sex: return "Sex"
        case .nationality: return "Nationality"
        case .placeOfBirth: return "Place of birth"
        case .issueDate: return "Issued"
        case .expiryDate: return "Expires"
        case .ageOver18: return "18 or over"
        case .ageOver21: return "21 or over"
        case .occupation: return "Occupation"
        case .employer: return "Employer"
        case .portrait: return "Photo"
        }
    }

    /// Every claim, in the order screens list them.
    public static let displayOrder: [ClaimKey] = [
        .portrait, .nameEn, .nameAr, .documentNumber, .birthDate, .ageOver18, .ageOver21, .sex,
        .nationality, .placeOfBirth, .occupation, .employer, .issueDate, .expiryDate,
    ]
}

extension DocumentType {
    /// The document's name on screen.
    public var title: String {
        switch self {
        case .nationalId: return "National ID"
        case .residentPermit: return "Resident permit"
        }
    }
}

/// Joins claim names for one line: "Name, ID number and Expires".
func listPhrase(_ keys: [ClaimKey]) -> String {
    let ordered = ClaimKey.displayOrder.filter(keys.contains).map(\.title)
    switch ordered.count {
    case 0: return "nothing"
    case 1: return ordered[0]
    default: return ordered.dropLast().joined(separator: ", ") + " and " + (ordered.last ?? "")
    }
}
