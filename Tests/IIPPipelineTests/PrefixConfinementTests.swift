import Foundation
import Testing

@testable import IIPPipeline

/// ALLOW_SYMLINKS_OUTSIDE_PREFIX=0: links under the prefix are followed only while they stay inside it.
@Suite struct PrefixConfinementTests {
    /// A prefix with links inside and out, and a folder beside it.
    static func layout() throws -> (prefix: String, outside: String) {
        let folder = NSTemporaryDirectory() + "iipsrv-async-confinement-\(UUID().uuidString.prefix(8))"
        let prefix = folder + "/prefix/"
        let outside = folder + "/outside"
        let files = FileManager.default
        try files.createDirectory(atPath: prefix + "sub/deeper", withIntermediateDirectories: true)
        try files.createDirectory(atPath: outside, withIntermediateDirectories: true)
        for file in [prefix + "a.tif", prefix + "sub/b.tif", outside + "/c.tif"] {
            files.createFile(atPath: file, contents: Data([1]))
        }
        let links = [
            ("in.tif", "a.tif"), ("sub/up.tif", "../a.tif"), ("sub/deeper/up2.tif", "../../sub/b.tif"),
            ("abs-in.tif", prefix + "a.tif"), ("dir-in", "sub"), ("chain.tif", "in.tif"),
            ("out.tif", "../outside/c.tif"), ("abs-out.tif", outside + "/c.tif"), ("dir-out", "../outside"),
            ("sub/up-out.tif", "../../outside/c.tif"), ("root", "/"), ("loop1", "loop2"), ("loop2", "loop1"),
            ("dangling.tif", "missing.tif"),
        ]
        for (name, target) in links { try files.createSymbolicLink(atPath: prefix + name, withDestinationPath: target) }
        return (prefix, outside)
    }

    @Test func linksThatStayInsideAreFollowed() throws {
        let (prefix, _) = try Self.layout()
        let confinement = PrefixConfinement(prefix: prefix)
        for name in [
            "a.tif", "in.tif", "sub/up.tif", "sub/deeper/up2.tif", "abs-in.tif", "dir-in/b.tif", "chain.tif",
            "missing.tif", "dangling.tif", "sub/../a.tif",
        ] {
            #expect(confinement.contains(prefix + name), "\(name)")
        }
    }

    @Test func linksThatLeaveAreRefused() throws {
        let (prefix, outside) = try Self.layout()
        let confinement = PrefixConfinement(prefix: prefix)
        for name in [
            "out.tif", "abs-out.tif", "dir-out/c.tif", "sub/up-out.tif", "root/etc/passwd", "root" + outside + "/c.tif",
            "loop1", "../outside/c.tif", "sub/../../outside/c.tif",
        ] {
            #expect(!confinement.contains(prefix + name), "\(name)")
        }
        #expect(!confinement.contains(outside + "/c.tif"))
    }

    @Test func theResolverChecksOnlyWhenLinksMayNotLeave() throws {
        let (prefix, _) = try Self.layout()
        let confined = PathResolver(prefix: prefix, suffix: "")
        let free = PathResolver(prefix: prefix, suffix: "", allowsSymlinksOutside: true)
        let path = try #require(confined.filePath(for: "out.tif"))
        #expect(!confined.isConfined(path))
        #expect(free.isConfined(path))
        #expect(free.confinement == nil)
    }
}
