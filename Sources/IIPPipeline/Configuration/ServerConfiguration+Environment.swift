extension ServerConfiguration {
    /// Reads every variable from `environment`, applying iipsrv's defaults and clamping (iipsrv-reference §9).
    ///
    /// Unset variables keep their defaults; numbers are read as C's `atoi`/`atof` would.
    public init(environment: [String: String], cores: Int) {
        self.init(cores: cores)
        for setting in Self.settings {
            if let text = environment[setting.name] { setting.read(&self, text) }
        }
        awsEnvironment = environment.filter { $0.key.hasPrefix("AWS_") || $0.key == "HOME" }
    }

    /// Every setting as `(variable, value)`, for the start-up log (iipsrv logs one line per setting).
    public var summary: [(name: String, value: String)] {
        Self.settings.map { ($0.name, $0.value(in: self)) }
    }
}
