/// Descriptive text fields read from an image file.
///
/// Field names follow iipsrv master; the TIFF tag each one comes from is noted (iipsrv-reference §3.1).
public struct ImageMetadata: Sendable, Hashable {
    /// Copyright (TIFF 33432).
    public var rights: String?
    /// Artist (TIFF 315).
    public var creator: String?
    /// ImageDescription (TIFF 270).
    public var description: String?
    /// DateTime (TIFF 306).
    public var date: String?
    /// DocumentName (TIFF 269).
    public var title: String?
    /// PageName (TIFF 285).
    public var pageName: String?
    /// Software (TIFF 305).
    public var software: String?
    /// Make (TIFF 271).
    public var make: String?
    /// Model (TIFF 272).
    public var model: String?
    /// XMLPacket (TIFF 700), the XMP block.
    public var xmp: String?
    /// STONITS (TIFF 33423), the size of one pixel in physical units.
    public var scale: Double?

    /// Creates an empty set of fields.
    public init() {}

    /// The non-empty text fields in iipsrv master's order, name first; XMP and the numeric scale excluded.
    public var namedFields: [(name: String, value: String)] {
        let all: [(String, String?)] = [
            ("rights", rights), ("creator", creator), ("description", description), ("date", date),
            ("title", title), ("pagename", pageName), ("software", software), ("make", make), ("model", model),
        ]
        return all.compactMap { name, value in
            guard let value, !value.isEmpty else { return nil }
            return (name, value)
        }
    }
}
