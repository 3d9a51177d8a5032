import Foundation
public import IIPModel

/// The metadata objects OBJ can ask for (iipsrv-reference §3.1).
public enum IIPObject: Sendable, Hashable {
    /// `iip,<version>`: the protocol line.
    case protocolVersion
    /// `iip-server`.
    case serverVersion
    /// `max-size`.
    case maxSize
    /// `tile-size`.
    case tileSize
    /// `resolution-number`.
    case resolutionNumber
    /// `bits-per-channel`.
    case bitsPerChannel
    /// `vertical-views`.
    case verticalViews
    /// `horizontal-views`.
    case horizontalViews
    /// `min-max-sample-values`.
    case minMaxSampleValues
    /// `resolutions`.
    case resolutions
    /// Any argument containing `colorspace`.
    case colorspace
    /// `basic-info`: server version, max size, resolution number and colour space.
    case basicInfo
    /// `iip-opt-comm`.
    case optionalCommands
    /// `iip-opt-obj`.
    case optionalObjects
    /// `dpi`: density in pixels per metre.
    case dpi
    /// `stack`: the layers of a stack, as JSON.
    case stack
    /// `metadata`: every non-empty field as JSON.
    case metadata
    /// `summary-info`: the classic labelled fields.
    case summaryInfo
    /// A field by its iipsrv master name, answered with the bare value.
    case field(MetadataField)
    /// A field by its iipsrv 1.1 (FlashPix) name, answered as `name/<len>:value`.
    case legacyField(LegacyMetadataField)

    /// Recognises a lower-cased OBJ argument, or returns `nil` for an unsupported one.
    public init?(name: String) {
        if name.hasPrefix("iip,") {
            self = .protocolVersion
            return
        }
        if name.contains("colorspace") {
            self = .colorspace
            return
        }
        switch name {
        case "iip-server": self = .serverVersion
        case "max-size": self = .maxSize
        case "tile-size": self = .tileSize
        case "resolution-number": self = .resolutionNumber
        case "bits-per-channel": self = .bitsPerChannel
        case "vertical-views": self = .verticalViews
        case "horizontal-views": self = .horizontalViews
        case "min-max-sample-values": self = .minMaxSampleValues
        case "resolutions": self = .resolutions
        case "basic-info": self = .basicInfo
        case "iip-opt-comm": self = .optionalCommands
        case "iip-opt-obj": self = .optionalObjects
        case "dpi": self = .dpi
        case "stack": self = .stack
        case "metadata": self = .metadata
        case "summary-info": self = .summaryInfo
        default:
            if let field = MetadataField(rawValue: name) {
                self = .field(field)
            } else if let legacy = LegacyMetadataField(rawValue: name) {
                self = .legacyField(legacy)
            } else {
                return nil
            }
        }
    }

    /// Whether answering needs an open image (FIF first).
    public var needsImage: Bool {
        switch self {
        case .protocolVersion, .serverVersion, .optionalCommands, .optionalObjects: false
        default: true
        }
    }
}

/// Metadata fields by their iipsrv master OBJ names.
public enum MetadataField: String, Sendable, Hashable, CaseIterable {
    /// Copyright.
    case rights
    /// Artist.
    case creator
    /// ImageDescription.
    case description
    /// DateTime.
    case date
    /// DocumentName.
    case title
    /// PageName.
    case pagename
    /// Software.
    case software
    /// Make.
    case make
    /// Model.
    case model
    /// XMLPacket.
    case xmp
    /// STONITS, the pixel size in physical units.
    case scale

    /// The value of this field in `metadata`.
    public func value(in metadata: ImageMetadata) -> String? {
        switch self {
        case .rights: metadata.rights
        case .creator: metadata.creator
        case .description: metadata.description
        case .date: metadata.date
        case .title: metadata.title
        case .pagename: metadata.pageName
        case .software: metadata.software
        case .make: metadata.make
        case .model: metadata.model
        case .xmp: metadata.xmp
        case .scale: metadata.scale.map { String(format: "%g", $0) }
        }
    }
}

/// Metadata fields by their iipsrv 1.1 (FlashPix summary information) OBJ names.
public enum LegacyMetadataField: String, Sendable, Hashable, CaseIterable {
    /// Copyright.
    case copyright
    /// Artist.
    case author
    /// ImageDescription.
    case subject
    /// DateTime.
    case createDate = "create-dtm"
    /// Software.
    case applicationName = "app-name"
    /// Accepted, never filled from TIFF.
    case keywords
    /// Accepted, never filled from TIFF.
    case comment
    /// Accepted, never filled from TIFF.
    case lastAuthor = "last-author"
    /// Accepted, never filled from TIFF.
    case revisionNumber = "rev-number"
    /// Accepted, never filled from TIFF.
    case editTime = "edit-time"
    /// Accepted, never filled from TIFF.
    case lastPrinted = "last-printed"
    /// Accepted, never filled from TIFF.
    case lastSaveDate = "last-save-dtm"

    /// The value of this field in `metadata`.
    public func value(in metadata: ImageMetadata) -> String? {
        switch self {
        case .copyright: metadata.rights
        case .author: metadata.creator
        case .subject: metadata.description
        case .createDate: metadata.date
        case .applicationName: metadata.software
        default: nil
        }
    }
}
