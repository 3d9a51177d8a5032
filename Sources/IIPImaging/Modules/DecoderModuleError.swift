/// Why a decoder module named in DECODER_MODULES was refused at start-up. The server logs the description, one
/// line, and starts without the module.
public enum DecoderModuleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `dlopen` failed: no such file, not a shared library, or a library it needs is missing.
    case cannotLoad(path: String, reason: String)
    /// The library does not export `iipsrv_async_module_entry`, or it returned no table.
    case missingEntry(path: String)
    /// The table is for another version of the ABI.
    case wrongABIVersion(path: String, found: UInt32, expected: UInt32)
    /// The table is incomplete: a required function, the name or the extensions are missing.
    case invalidTable(path: String, reason: String)
    /// Another module, loaded earlier, already reads files with this extension.
    case extensionTaken(path: String, fileExtension: String, by: String)

    /// One line for the log.
    public var description: String {
        switch self {
        case .cannotLoad(let path, let reason):
            "decoder module \(path) refused: cannot load it: \(reason)"
        case .missingEntry(let path):
            "decoder module \(path) refused: it does not export \(DecoderModule.entrySymbol)"
        case .wrongABIVersion(let path, let found, let expected):
            "decoder module \(path) refused: it was built for ABI version \(found); this server loads version "
                + "\(expected)"
        case .invalidTable(let path, let reason):
            "decoder module \(path) refused: \(reason)"
        case .extensionTaken(let path, let fileExtension, let other):
            "decoder module \(path) refused: .\(fileExtension) files are already read by the module \(other)"
        }
    }
}
