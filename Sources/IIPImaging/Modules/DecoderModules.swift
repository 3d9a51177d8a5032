/// The decoder modules a server loaded, and which one reads a file, chosen by the file's extension.
///
/// Built once from DECODER_MODULES at start-up and passed down to the ``ImageSourceOpener``; never changed
/// afterwards. Modules are tried in the order they were named; an extension belongs to the first module that
/// claims it (a later module that claims one already taken is refused).
public struct DecoderModules: Sendable {
    /// The modules loaded, in DECODER_MODULES order.
    public let loaded: [DecoderModule]
    private let byExtension: [String: DecoderModule]

    /// No modules: every file is opened by the server's own readers.
    public init() {
        loaded = []
        byExtension = [:]
    }

    private init(loaded: [DecoderModule], byExtension: [String: DecoderModule]) {
        self.loaded = loaded
        self.byExtension = byExtension
    }

    /// Loads the libraries at `paths` (a blocking call, made at start-up). A library that cannot be used is left
    /// out and reported in `refusals`, one error each, in order.
    public static func load(paths: [String]) -> (modules: DecoderModules, refusals: [DecoderModuleError]) {
        var loaded: [DecoderModule] = []
        var byExtension: [String: DecoderModule] = [:]
        var refusals: [DecoderModuleError] = []
        for path in paths {
            let module: DecoderModule
            do {
                module = try DecoderModule.load(path: path)
            } catch {
                refusals.append(error)
                continue
            }
            if let taken = module.extensions.first(where: { byExtension[$0] != nil }), let other = byExtension[taken] {
                refusals.append(.extensionTaken(path: path, fileExtension: taken, by: "\(other.name) (\(other.path))"))
                continue
            }
            for fileExtension in module.extensions { byExtension[fileExtension] = module }
            loaded.append(module)
        }
        return (DecoderModules(loaded: loaded, byExtension: byExtension), refusals)
    }

    /// The module that reads `path`, by the extension of its last component (case-insensitive), or `nil`.
    public func module(forPath path: String) -> DecoderModule? {
        guard !byExtension.isEmpty, let name = path.split(separator: "/").last,
            let dot = name.lastIndex(of: ".")
        else { return nil }
        let fileExtension = DecoderModule.asciiLowercased(String(name[name.index(after: dot)...]))
        return byExtension[fileExtension]
    }
}
