import Foundation
public import IIPImaging

/// Decoder modules built by the tests from `Tests/Fixtures/Modules/ppm_module.c` with the system's `cc`, and the
/// PGM/PPM pictures they read, written into ``Fixtures/directory``.
public enum DecoderModuleFixtures {
    /// A build of the example module: its file name, and the macros that make it one of the test variants.
    public struct Build: Sendable, Hashable {
        /// The library's file name.
        public var name: String
        /// `-D` definitions.
        public var defines: [String]

        /// A build named `name` with `defines`.
        public init(_ name: String, _ defines: [String] = []) {
            self.name = name
            self.defines = defines
        }
    }

    /// The module as shipped: `.ppm` and `.pgm`, regions read directly, 256 tiles.
    public static let reader = Build("ppm_module.so")
    /// Regions composed from 128-pixel tiles by the server (no `read_region`), for `.tppm` files.
    public static let tilesOnly = Build(
        "ppm_tiles.so", ["PPM_MODULE_TILES_ONLY", "PPM_MODULE_TILE=128", #"PPM_MODULE_EXTENSIONS="tppm""#])
    /// A table for ABI version 99.
    public static let wrongVersion = Build(
        "ppm_abi99.so", ["PPM_MODULE_ABI_VERSION=99", #"PPM_MODULE_EXTENSIONS="abippm""#])
    /// No entry symbol.
    public static let noEntry = Build("ppm_noentry.so", ["PPM_MODULE_NO_ENTRY", #"PPM_MODULE_EXTENSIONS="noppm""#])
    /// Claims `.ppm` again, after ``reader``.
    public static let sameExtension = Build("ppm_again.so", [#"PPM_MODULE_NAME="ppm-again""#])
    /// Refuses every `.failppm` file on open, naming it by its full path.
    public static let failsOpen = Build(
        "ppm_failopen.so", ["PPM_MODULE_FAIL_OPEN", #"PPM_MODULE_EXTENSIONS="failppm""#])
    /// Crashes (SIGSEGV) on opening any `.crashppm` file.
    public static let crashesOnOpen = Build(
        "ppm_crash.so", ["PPM_MODULE_CRASH_OPEN", #"PPM_MODULE_EXTENSIONS="crashppm""#])
    /// Never returns from opening a `.hangppm` file.
    public static let hangsOnOpen = Build(
        "ppm_hang.so", ["PPM_MODULE_HANG_OPEN", #"PPM_MODULE_EXTENSIONS="hangppm""#])
    /// Reports success on open without a handle, for `.nullppm` files.
    public static let nullHandle = Build(
        "ppm_nullhandle.so", ["PPM_MODULE_NULL_HANDLE", #"PPM_MODULE_EXTENSIONS="nullppm""#])
    /// Claims 10^8 pixels a side for `.hugeppm` files.
    public static let hugeClaim = Build(
        "ppm_huge.so", ["PPM_MODULE_CLAIM_SIDE=100000000", #"PPM_MODULE_EXTENSIONS="hugeppm""#])
    /// Opens `.readfailppm` files but fails every read.
    public static let failsReads = Build(
        "ppm_failread.so", ["PPM_MODULE_FAIL_READ", #"PPM_MODULE_EXTENSIONS="readfailppm""#])

    /// Why a module could not be built.
    public struct BuildError: Error, CustomStringConvertible {
        /// The compiler's command and output.
        public var description: String
    }

    /// The package's root folder (where Package.swift is, next to `Sources`): not `Tests/Sanitizers`, whose package
    /// builds these files through links.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Sources/CIIPDecoderModule").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// The folder the modules are built into.
    public static var directory: String { Fixtures.directory + "/modules" }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: Set<String> = []

    /// Compiles `build` once per process with `cc -shared -fPIC` and returns the library's full path.
    @discardableResult
    public static func make(_ build: Build) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let path = directory + "/" + build.name
        if built.contains(build.name) { return path }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let partial = path + ".partial.so"
        var arguments = [
            "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-I", packageRoot + "/Sources/CIIPDecoderModule/include",
            "-o", partial, packageRoot + "/Tests/Fixtures/Modules/ppm_module.c",
        ]
        arguments += build.defines.map { "-D" + $0 }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BuildError(description: "cc \(arguments.joined(separator: " ")) failed: \(text)")
        }
        guard rename(partial, path) == 0 else { throw BuildError(description: "cannot rename \(partial)") }
        built.insert(build.name)
        return path
    }

    /// Writes a binary PGM (1 channel) or PPM (3 channels) of a ``TestPattern`` as `name` in ``Fixtures/directory``
    /// (16-bit samples, big-endian, when `bits` is 16) and returns the picture.
    @discardableResult
    public static func picture(_ name: String, width: Int, height: Int, channels: Int = 3, bits: Int = 8) throws
        -> PixelBuffer
    {
        let pixels = TestPattern.render(
            width: width, height: height, channels: channels, bits: bits, seed: Fixtures.seed(for: name))
        let partial = Fixtures.path(name) + ".partial"
        try JPEG2000Fixtures.writePNM(pixels, maxValue: bits == 16 ? 65535 : 255, to: partial)
        guard rename(partial, Fixtures.path(name)) == 0 else { throw BuildError(description: "cannot rename \(name)") }
        return pixels
    }
}
