import Foundation

/// Real ICC profiles written by Little CMS 2 (liblcms2, which libjxl links, so it is installed wherever the server
/// builds), for tests that need a profile a colour engine can parse: a wide-gamut RGB space and a grey one. Each
/// call returns the same bytes: the creation date lcms writes is replaced by a fixed one (2026-01-01), and lcms
/// leaves the profile ID zero (not computed), so nothing else depends on the clock.
public enum ICCProfiles {
    /// An RGB profile with Adobe RGB (1998)'s primaries, D65 white and a 2.2 gamma: not sRGB, so a codec cannot
    /// replace it by a named colour space.
    public static func wideGamutRGB() throws -> [UInt8] {
        let lcms = try LittleCMS()
        var white = Chromaticity(x: 0.3127, y: 0.3290, luminance: 1)
        var primaries = (
            Chromaticity(x: 0.64, y: 0.33, luminance: 1), Chromaticity(x: 0.21, y: 0.71, luminance: 1),
            Chromaticity(x: 0.15, y: 0.06, luminance: 1)
        )
        let curve = try lcms.gamma(2.2)
        defer { lcms.freeToneCurve(curve) }
        var curves: (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) = (
            curve, curve, curve
        )
        let profile = withUnsafeMutablePointer(to: &curves) { curves in
            lcms.createRGB(&white, &primaries, UnsafeMutableRawPointer(curves))
        }
        return try lcms.save(profile)
    }

    /// A grey profile with D65 white and a 2.2 gamma.
    public static func grey() throws -> [UInt8] {
        let lcms = try LittleCMS()
        var white = Chromaticity(x: 0.3127, y: 0.3290, luminance: 1)
        let curve = try lcms.gamma(2.2)
        defer { lcms.freeToneCurve(curve) }
        return try lcms.save(lcms.createGrey(&white, curve))
    }

    /// A chromaticity (lcms2's `cmsCIExyY`).
    struct Chromaticity {
        var x: Double
        var y: Double
        var luminance: Double
    }

    struct Unavailable: Error, CustomStringConvertible {
        var what: String
        var description: String { "Little CMS 2: \(what) (apt-get install liblcms2-2)" }
    }

    /// The few lcms2 functions used, looked up in the shared library.
    private struct LittleCMS {
        typealias BuildGamma = @convention(c) (UnsafeMutableRawPointer?, Double) -> UnsafeMutableRawPointer?
        typealias FreeToneCurve = @convention(c) (UnsafeMutableRawPointer?) -> Void
        typealias CreateRGB =
            @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) ->
            UnsafeMutableRawPointer?
        typealias CreateGrey =
            @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
        typealias SaveToMemory =
            @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt32>?) ->
            Int32
        typealias CloseProfile = @convention(c) (UnsafeMutableRawPointer?) -> Int32

        let buildGamma: BuildGamma
        let freeToneCurve: FreeToneCurve
        let createRGBProfile: CreateRGB
        let createGreyProfile: CreateGrey
        let saveToMemory: SaveToMemory
        let closeProfile: CloseProfile

        init() throws {
            guard let library = dlopen("liblcms2.so.2", RTLD_NOW) else { throw Unavailable(what: "not found") }
            func symbol<T>(_ name: String, as type: T.Type) throws -> T {
                guard let pointer = dlsym(library, name) else { throw Unavailable(what: "no \(name)") }
                return unsafeBitCast(pointer, to: type)
            }
            buildGamma = try symbol("cmsBuildGamma", as: BuildGamma.self)
            freeToneCurve = try symbol("cmsFreeToneCurve", as: FreeToneCurve.self)
            createRGBProfile = try symbol("cmsCreateRGBProfile", as: CreateRGB.self)
            createGreyProfile = try symbol("cmsCreateGrayProfile", as: CreateGrey.self)
            saveToMemory = try symbol("cmsSaveProfileToMem", as: SaveToMemory.self)
            closeProfile = try symbol("cmsCloseProfile", as: CloseProfile.self)
        }

        func gamma(_ value: Double) throws -> UnsafeMutableRawPointer {
            guard let curve = buildGamma(nil, value) else { throw Unavailable(what: "cmsBuildGamma failed") }
            return curve
        }

        func createRGB(
            _ white: inout Chromaticity, _ primaries: inout (Chromaticity, Chromaticity, Chromaticity),
            _ curves: UnsafeMutableRawPointer
        ) -> UnsafeMutableRawPointer? {
            withUnsafeMutablePointer(to: &white) { white in
                withUnsafeMutablePointer(to: &primaries) { primaries in
                    createRGBProfile(UnsafeMutableRawPointer(white), UnsafeMutableRawPointer(primaries), curves)
                }
            }
        }

        func createGrey(_ white: inout Chromaticity, _ curve: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
            withUnsafeMutablePointer(to: &white) { createGreyProfile(UnsafeMutableRawPointer($0), curve) }
        }

        func save(_ profile: UnsafeMutableRawPointer?) throws -> [UInt8] {
            guard let profile else { throw Unavailable(what: "the profile could not be created") }
            defer { _ = closeProfile(profile) }
            var size: UInt32 = 0
            guard saveToMemory(profile, nil, &size) != 0, size > 0 else { throw Unavailable(what: "cannot save") }
            var bytes = [UInt8](repeating: 0, count: Int(size))
            let saved = bytes.withUnsafeMutableBytes { saveToMemory(profile, $0.baseAddress, &size) }
            guard saved != 0, bytes.count >= 128 else { throw Unavailable(what: "cannot save") }
            // Header bytes 24-35: year, month, day, hours, minutes, seconds, big-endian 16-bit each.
            let date: [UInt16] = [2026, 1, 1, 0, 0, 0]
            for (index, value) in date.enumerated() {
                bytes[24 + 2 * index] = UInt8(value >> 8)
                bytes[25 + 2 * index] = UInt8(value & 0xFF)
            }
            return bytes
        }
    }
}
