import Testing

@testable import IIPPipeline

/// Request paths to filesystem paths, never outside the prefix.
@Suite struct PathResolverTests {
    // iipsrv-reference §9: FILESYSTEM_PREFIX is simply prepended, FILESYSTEM_SUFFIX appended
    @Test func concatenatesPrefixPathAndSuffix() {
        let resolver = PathResolver(prefix: "/images/", suffix: ".tif")
        #expect(resolver.filePath(for: "a/b") == "/images/a/b.tif")
        #expect(PathResolver(prefix: "", suffix: "").filePath(for: "x.tif") == "x.tif")
        #expect(PathResolver(prefix: "/srv", suffix: "").filePath(for: "x.tif") == "/srvx.tif")
        #expect(resolver.filePath(for: "..a/b..c/d..") == "/images/..a/b..c/d...tif")
    }

    @Test(arguments: ["..", "../x", "a/../b", "a/..", "a/b/../../..", "/..", "a//..", ""])
    func refusesParentComponentsAndEmpty(path: String) {
        #expect(PathResolver(prefix: "/images/", suffix: "").filePath(for: path) == nil)
    }

    @Test(arguments: ["a\0b", "\0", "x.tif\0.jpg"])
    func refusesNUL(path: String) {
        #expect(PathResolver(prefix: "/images/", suffix: "").filePath(for: path) == nil)
    }

    @Test func refusesOverLongPaths() {
        let resolver = PathResolver(prefix: "/p/", suffix: ".t", maxLength: 12)
        #expect(resolver.filePath(for: "1234567") == "/p/1234567.t")
        #expect(resolver.filePath(for: "12345678") == nil)
        // Length counts UTF-8 bytes.
        #expect(resolver.filePath(for: "ééé4") == "/p/ééé4.t")
        #expect(resolver.filePath(for: "éééé") == nil)
        #expect(PathResolver(prefix: "/", suffix: "").maxLength == 4096)
        #expect(PathResolver(prefix: "/", suffix: "").filePath(for: String(repeating: "a", count: 4096)) == nil)
        #expect(PathResolver(prefix: "/", suffix: "").filePath(for: String(repeating: "a", count: 4095)) != nil)
    }
}
