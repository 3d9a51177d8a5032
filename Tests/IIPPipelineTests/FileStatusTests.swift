import Foundation
import IIPTestSupport
import Testing

@testable import IIPPipeline

/// `stat` results used to notice changed files.
@Suite struct FileStatusTests {
    @Test func regularFileDirectoryAndMissing() throws {
        let name = try Fixtures.makeText("pipe-status.txt", contents: "12345")
        let status = try #require(FileStatus.of(Fixtures.path(name)))
        #expect(status.isRegularFile)
        #expect(status.size == 5)
        let attributes = try FileManager.default.attributesOfItem(atPath: Fixtures.path(name))
        let modified = try #require(attributes[.modificationDate] as? Date)
        #expect(status.modifiedSeconds == Int64(modified.timeIntervalSince1970.rounded(.down)))
        let folder = try #require(FileStatus.of(Fixtures.directory))
        #expect(!folder.isRegularFile)
        #expect(FileStatus.of(Fixtures.path("pipe-status-missing")) == nil)
    }

    @Test func modifiedSecondsRoundsDown() {
        func status(_ nanoseconds: Int64) -> FileStatus {
            FileStatus(modified: nanoseconds, size: 0, device: 0, inode: 0, isRegularFile: true)
        }
        #expect(status(1_999_999_999).modifiedSeconds == 1)
        #expect(status(2_000_000_000).modifiedSeconds == 2)
        #expect(status(0).modifiedSeconds == 0)
        #expect(status(-1).modifiedSeconds == -1)
        #expect(status(-1_000_000_000).modifiedSeconds == -1)
        #expect(status(-1_000_000_001).modifiedSeconds == -2)
    }

    @Test func replacingByRenameChangesTheInode() throws {
        let name = try Fixtures.makeText("pipe-status-replaced.txt", contents: "abc")
        let before = try #require(FileStatus.of(Fixtures.path(name)))
        let temporary = Fixtures.path("pipe-status-replaced.tmp")
        try "xyz".write(toFile: temporary, atomically: false, encoding: .utf8)
        #expect(rename(temporary, Fixtures.path(name)) == 0)
        let after = try #require(FileStatus.of(Fixtures.path(name)))
        #expect(after.size == before.size)
        #expect(after.inode != before.inode)
        #expect(after != before)
    }
}
