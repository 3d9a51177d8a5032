extension Pipeline {
    /// Identifies what, besides the file and the request, decides an answer's bytes: this build's version and every
    /// setting's value. Entity tags include it, so a server with another configuration never confirms a copy made
    /// under this one.
    static func fingerprint(_ configuration: ServerConfiguration) -> String {
        var hash = StableHash()
        hash.combine(IIPServerVersion.current)
        for (name, value) in configuration.summary {
            hash.combine(name)
            hash.combine(value)
        }
        return hash.hex
    }
}
