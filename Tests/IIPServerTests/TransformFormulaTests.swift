import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// The transforms iipsrv 1.1 lacks (CNV, GAM=log), the ones where this server follows master where 1.1 differs
/// (COL=binary and CNT=eq on 16 and 32-bit samples, which master reduces by the top byte and 1.1 normalises; CTW
/// with as many rows as output bands; MINMAX with `-`), and every histogram operation, against master's formulas
/// (``MasterTransforms``) computed from the stored samples.
///
/// Answers are PNG (PTL and CVT=png, the same processing as JTL and CVT=jpeg, iipsrv-reference §6.2) so that they
/// compare sample for sample: every sample must be within 1 of the formula's (single-precision rounding at a
/// truncation), and almost all equal; bi-level answers must be equal in every pixel.
@Suite("Transforms against master's formulas")
struct TransformFormulaTests {
    init() throws {
        for subject in Self.subjects { try subject.make() }
    }

    /// A 16-bit image with SMin/SMaxSampleValue: its histogram is normalised with them, its pixels are not (§6.1).
    static let grey16Tagged: TransformSubject = {
        let spec = FixtureSpec(
            "transform-grey16-tagged.tif", width: TransformSubject.width, height: TransformSubject.height
        ).with {
            $0.tileSize = TransformSubject.tileSize
            $0.channels = 1
            $0.bits = 16
            $0.compression = .deflate
            $0.sampleRange = 2000...50000
        }
        return TransformSubject(source: .tiff(spec), channels: 1, bits: 16, range: 2000...50000)
    }()

    static let subjects: [TransformSubject] = [
        .rgb8, .grey8, .rgb16, .grey16, grey16Tagged, .u32, .float32, .cieLab8, .bands5, .jp2RGB8, .jp2Grey16,
    ]

    static let server = SharedTestServer(TestServer.configuration { $0.codecPassthrough = false })

    /// A request and master's processing for it.
    struct Case: Sendable {
        var query: String
        var master: MasterTransforms
        /// Needs the histogram of the smallest level, which is known from the stored samples for TIFF fixtures only
        /// (a JPEG 2000 file's smaller levels are its wavelet's).
        var histogram = false
    }

    /// Every named kernel, a 5 x 5 one and one whose sum is negative (not divided by) on two sample types, Sobel's
    /// on the others (the convolution is the same code for every sample type once it is normalised); every other
    /// case on every sample type.
    static func cases(for subject: TransformSubject) -> [Case] {
        let everyKernel = subject == .rgb8 || subject == .grey16
        var cases = MasterTransforms.kernels.keys.sorted().filter { everyKernel || $0 == "sobel" }.map { name in
            Case(query: "CNV=\(name)", master: MasterTransforms(kernel: MasterTransforms.kernels[name]))
        }
        if everyKernel {
            let box = [Float](repeating: 1, count: 25)
            let negative: [Float] = [0, -1, 0, -1, 3, -1, 0, -1, 0]
            for kernel in [box, negative] {
                let list = kernel.map { String(Int($0)) }.joined(separator: ",")
                cases.append(Case(query: "CNV=[\(list)]", master: MasterTransforms(kernel: kernel)))
            }
        }
        let low = subject.sample(at: 0.1)
        let high = subject.sample(at: 0.8)
        cases += [
            Case(query: "GAM=log", master: MasterTransforms(gamma: .log)),
            Case(
                query: "CNV=sharpen&GAM=log&INV=1",
                master: MasterTransforms(gamma: .log, invert: true, kernel: MasterTransforms.kernels["sharpen"])),
            Case(
                query: "MINMAX=-:\(low),\(high)", master: MasterTransforms(minMax: [(nil, Double(low)!, Double(high)!)])
            ),
            Case(query: "COL=binary", master: MasterTransforms(colour: .binary), histogram: true),
            Case(query: "CNT=eq", master: MasterTransforms(equalise: true), histogram: true),
            Case(query: "CNT=st", master: MasterTransforms(stretch: true), histogram: true),
            Case(query: "COL=grey&CNT=eq", master: MasterTransforms(equalise: true, colour: .grey), histogram: true),
            Case(
                query: "GAM=0.5&COL=binary", master: MasterTransforms(gamma: .exponent(0.5), colour: .binary),
                histogram: true),
        ]
        if subject.channels >= 3 {
            cases.append(Case(query: "CTW=[0.2,0.7,0.1]", master: MasterTransforms(twist: [[0.2, 0.7, 0.1]])))
            cases.append(Case(query: "SHD=30,45", master: MasterTransforms(shade: (30, 45))))
        } else {
            cases.append(Case(query: "CTW=[0.5;1;0.3]", master: MasterTransforms(twist: [[0.5], [1], [0.3]])))
        }
        return cases
    }

    /// What one answer came to.
    struct Agreement: Sendable {
        var label: String
        var samples: Int
        var equal: Int
        var largest: Int
    }

    @Test func everyTransformFollowsMastersFormulas() async throws {
        let server = try await Self.server.running()
        let agreements = try await withThrowingTaskGroup(of: [Agreement].self) { group in
            for subject in Self.subjects {
                group.addTask { try await Self.check(subject, on: server) }
            }
            var all: [Agreement] = []
            for try await part in group { all += part }
            return all
        }
        let samples = agreements.reduce(0) { $0 + $1.samples }
        let equal = agreements.reduce(0) { $0 + $1.equal }
        let largest = agreements.map(\.largest).max() ?? 0
        print(
            "transforms against master's formulas: \(agreements.count) answers over \(Self.subjects.count) sample "
                + "types, " + String(format: "%.3f", 100 * Double(equal) / Double(max(samples, 1)))
                + "% of \(samples) samples equal, largest difference \(largest)")
        #expect(agreements.count > 100)
    }

    static func check(_ subject: TransformSubject, on server: TestServer) async throws -> [Agreement] {
        let picture: PixelBuffer
        let thumbnail: PixelBuffer
        let level: PixelBuffer?
        switch subject.source {
        case .tiff(let spec):
            picture = spec.cieLab ? Fixtures.cieLabPicture(Fixtures.picture(spec)) : Fixtures.picture(spec)
            level = PyramidTIFFWriter.halve(picture)
            thumbnail = PyramidTIFFWriter.halve(level!)
        case .jpeg2000(let spec):
            picture = JPEG2000Fixtures.picture(spec)
            level = nil
            thumbnail = picture
        }
        let range = Array(repeating: (subject.range.lowerBound, subject.range.upperBound), count: subject.channels)
        let tile = subject.tile.rect
        let area = TransformSubject.exportRect
        var outputs = [
            (
                "PTL=\(subject.tile.argument)",
                picture.cropped(x: tile.x, y: tile.y, width: tile.width, height: tile.height)
            )
        ]
        if let level {
            outputs.append(
                (
                    TransformSubject.export("png"),
                    level.cropped(x: area.x, y: area.y, width: area.width, height: area.height)
                ))
        }
        var agreements: [Agreement] = []
        for transform in cases(for: subject) where !transform.histogram || level != nil {
            for (output, source) in outputs {
                let label = "\(subject.name) \(transform.query) \(output)"
                let answer = try await server.get(
                    "/fcgi-bin/iipsrv.fcgi?FIF=\(subject.name)&\(transform.query)&\(output)")
                #expect(answer.status == 200, "\(label): \(answer.text.prefix(200))")
                guard answer.status == 200 else { continue }
                let ours = try PNGDecoding.decode(answer.body)
                let expected = transform.master.apply(
                    // COL=grey converts CIELab images here too, where master leaves them in colour (README,
                    // compatibility notes).
                    source, range: range, thumbnail: thumbnail, sRGB: subject.channels == 3 || subject.cieLab,
                    cieLab: subject.cieLab)
                #expect(
                    ours.width == expected.width && ours.height == expected.height
                        && ours.channels == expected.channels,
                    "\(label): \(ours.width)x\(ours.height)x\(ours.channels), master \(expected.width)x\(expected.height)x\(expected.channels)"
                )
                guard ours.bytes.count == expected.bytes.count else { continue }
                var equal = 0
                var largest = 0
                for (a, b) in zip(ours.bytes, expected.bytes) {
                    let difference = abs(Int(a) - Int(b))
                    if difference == 0 { equal += 1 }
                    largest = max(largest, difference)
                }
                let agreement = Agreement(label: label, samples: ours.bytes.count, equal: equal, largest: largest)
                agreements.append(agreement)
                let binary = transform.master.colour == .binary
                #expect(
                    binary ? equal == ours.bytes.count : largest <= 1 && equal * 100 >= ours.bytes.count * 99,
                    "\(label): \(equal) of \(ours.bytes.count) samples equal, largest difference \(largest)")
            }
        }
        return agreements
    }
}
