import Testing

@testable import IIPPipeline

/// What entity tags and memcached keys carry of the configuration (issue 12): every setting that can change an
/// answer's bytes, and none that only changes how an instance runs, so instances behind one nginx agree.
@Suite struct FingerprintTests {
    static func fingerprint(_ environment: [String: String]) -> String {
        Pipeline.fingerprint(ServerConfiguration(environment: environment, cores: 2))
    }

    @Test func everyOperationalNameIsASetting() {
        let names = Set(ServerConfiguration.settings.map(\.name))
        #expect(Pipeline.operationalSettings.isSubset(of: names))
    }

    @Test(arguments: [
        ("LOGFILE", "/var/log/other.log"), ("VERBOSITY", "5"), ("MEMCACHED_SERVERS", "a:11211,b:11211"),
        ("MAX_IMAGE_CACHE_SIZE", "500"), ("MAX_REQUESTS_IN_FLIGHT", "7"), ("CACHE_CONTROL", "no-cache"),
        // Derived from OMP_NUM_THREADS unless set: instances with different core counts disagreed on it (ScaleOutTests).
        ("MAX_FCGI_REQUESTS_IN_FLIGHT", "3"), ("MAX_FCGI_CONNECTIONS", "10"), ("OMP_NUM_THREADS", "7"),
    ])
    func instancesThatOnlyRunDifferentlyAgree(name: String, value: String) {
        #expect(Self.fingerprint([name: value]) == Self.fingerprint([:]))
    }

    @Test(arguments: [
        ("JPEG_QUALITY", "90"), ("FILESYSTEM_PREFIX", "/images/"), ("WATERMARK", "/w.tif"), ("MAX_CVT", "800"),
        ("INTERPOLATION", "0"), ("IIIF_VERSION", "2"), ("EMBED_ICC", "0"),
    ])
    func anythingThatChangesAnswersDiffers(name: String, value: String) {
        #expect(Self.fingerprint([name: value]) != Self.fingerprint([:]))
    }
}
