import IIPImaging
import IIPModel
import Testing

/// Mirroring and quarter turns on a 3x2 image whose pixels are labelled
///
///     a b c
///     d e f
@Suite struct OrientationTests {
    static let (a, b, c, d, e, f): (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (1, 2, 3, 4, 5, 6)
    static let image = buffer8(width: 3, height: 2, channels: 1, [a, b, c, d, e, f])

    struct Case: Sendable, CustomTestStringConvertible {
        var rotation: Rotation
        var width: Int
        var height: Int
        var pixels: [UInt8]
        var testDescription: String { "\(rotation.mirrored ? "!" : "")\(rotation.degrees)" }
    }

    // iipsrv-reference §6.2 steps 9-10: flip first (vertical for !180), then rotate clockwise
    static let cases: [Case] = [
        Case(rotation: Rotation(degrees: 0), width: 3, height: 2, pixels: [a, b, c, d, e, f]),
        Case(rotation: Rotation(degrees: 90), width: 2, height: 3, pixels: [d, a, e, b, f, c]),
        Case(rotation: Rotation(degrees: 180), width: 3, height: 2, pixels: [f, e, d, c, b, a]),
        Case(rotation: Rotation(degrees: 270), width: 2, height: 3, pixels: [c, f, b, e, a, d]),
        Case(rotation: Rotation(degrees: 0, mirrored: true), width: 3, height: 2, pixels: [c, b, a, f, e, d]),
        Case(rotation: Rotation(degrees: 180, mirrored: true), width: 3, height: 2, pixels: [d, e, f, a, b, c]),
        Case(rotation: Rotation(degrees: 90, mirrored: true), width: 2, height: 3, pixels: [f, c, e, b, d, a]),
        Case(rotation: Rotation(degrees: 270, mirrored: true), width: 2, height: 3, pixels: [a, d, b, e, c, f]),
        Case(rotation: Rotation(degrees: 450), width: 2, height: 3, pixels: [d, a, e, b, f, c]),
        Case(rotation: Rotation(degrees: -90), width: 2, height: 3, pixels: [c, f, b, e, a, d]),
        Case(rotation: Rotation(degrees: 45), width: 3, height: 2, pixels: [a, b, c, d, e, f]),
    ]

    @Test(arguments: cases)
    func pixelPositions(_ test: Case) {
        let output = Orientation.apply(test.rotation, to: Self.image)
        #expect(output.width == test.width && output.height == test.height)
        #expect(output.bytes == test.pixels)
    }

    @Test func multiByteSamplesMoveWhole() {
        let rgb16 = buffer16(width: 2, height: 1, channels: 3, [1, 2, 3, 0xFFFE, 0xFFFD, 0xFFFC])
        let turned = Orientation.apply(Rotation(degrees: 90), to: rgb16)
        #expect(turned.width == 1 && turned.height == 2)
        #expect(samples16(turned) == [1, 2, 3, 0xFFFE, 0xFFFD, 0xFFFC])
        let mirrored = Orientation.apply(Rotation(degrees: 0, mirrored: true), to: rgb16)
        #expect(samples16(mirrored) == [0xFFFE, 0xFFFD, 0xFFFC, 1, 2, 3])
    }

    @Test func fourTurnsAreIdentity() {
        var pixels = Self.image
        for _ in 0..<4 { pixels = Orientation.apply(Rotation(degrees: 90), to: pixels) }
        #expect(pixels == Self.image)
    }
}
