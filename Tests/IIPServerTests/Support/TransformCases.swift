/// One transform request, as this server is sent it (master's syntax) and as iipsrv 1.1 is sent it for the same
/// picture, and how the two answers are compared.
struct TransformCase: Sendable, Hashable {
    /// How this server's answer is held against 1.1's.
    enum Comparison: Sendable, Hashable {
        /// Same size, bands and pixels within JPEG error.
        case pixels
        /// This server answers grey where 1.1 answers colour: its pixels against the grey of 1.1's (README,
        /// compatibility notes: COL=grey on CIELab images).
        case greyOfReference
        /// A documented difference (the reason): the same width and height only. ``TransformFormulaTests`` compares
        /// the pixels with master's formulas.
        case size(String)
    }

    /// The commands for this server, before the output command.
    var ours: String
    /// The commands 1.1 is sent for the same picture.
    var reference: String
    var comparison: Comparison

    /// The same commands for both servers, compared in pixels.
    init(_ ours: String, reference: String? = nil, _ comparison: Comparison = .pixels) {
        self.ours = ours
        self.reference = reference ?? ours
        self.comparison = comparison
    }

    /// Every transform of iipsrv-reference §2.1 that applies to `subject`, alone and in combinations in iipsrv's
    /// order (§6.2), with the differences from 1.1 that the reference and the README document.
    static func all(for subject: TransformSubject) -> [TransformCase] {
        let colour = subject.channels >= 3
        let low = subject.sample(at: 0.12)
        let high = subject.sample(at: 0.86)
        // §2.1: 1.1 counts MINMAX channels from 1 and has no `-`. It also ignores MINMAX on 8-bit images unless
        // another floating-point operation is on (it has no MINMAX flag, §6.1): it is sent a contrast of 1.00001
        // with it, which changes no sample by more than one level.
        let twin = subject.bits == 8 ? "&CNT=1.00001" : ""
        let everyChannel = (1...subject.channels).map { "MINMAX=\($0):\(low),\(high)" }.joined(separator: "&")
        // §6.1: master reduces 16 and 32-bit integers by their top byte when nothing needs the floating-point chain;
        // 1.1 normalises them, so about half the levels differ by one. A bi-level threshold or an equalisation table
        // turns that into whole regions (a level at the threshold, or at a step of the table, lands on the other
        // side): those are compared with master's formulas in TransformFormulaTests, and here in size.
        let wide: Comparison =
            subject.bits > 8 && subject.sampleFormat != .floatingPoint
            ? .size("1.1 normalises wide samples before the threshold or table; master takes their top byte") : .pixels
        let lab = subject.cieLab
        // 1.1 converts CIELab with the older matrix (README): levels at the threshold can fall either side.
        let binary: Comparison =
            lab
            ? .size("1.1 converts CIELab with the older matrix; a level off at the threshold turns a pixel over")
            : wide
        var cases = [
            TransformCase("CNT=2.5"), TransformCase("CNT=0.6"), TransformCase("CNT=st"), TransformCase("CNT=eq", wide),
            TransformCase("GAM=2.2"), TransformCase("GAM=0.45"),
            TransformCase("GAM=log", .size("1.1 has no GAM=log (it reads 0, a gamma of 0)")),
            TransformCase("INV"), TransformCase("INV=1"),
            TransformCase("COL=grey", lab ? .greyOfReference : .pixels), TransformCase("COL=binary", binary),
            TransformCase("CNV=sobel", .size("1.1 has no CNV")), TransformCase("CNV=gaussian", .size("1.1 has no CNV")),
            TransformCase("MINMAX=0:\(low),\(high)", reference: "MINMAX=1:\(low),\(high)\(twin)"),
            TransformCase("MINMAX=-:\(low),\(high)", reference: everyChannel + twin),
            TransformCase("ROT=90"), TransformCase("ROT=180"), TransformCase("ROT=270"), TransformCase("ROT=!0"),
            TransformCase("ROT=!180"), TransformCase("ROT=!90"),
        ]
        cases += ["hot", "cold", "jet", "red", "green", "blue"].map { TransformCase("CMP=\($0)") }
        // Master makes one output band per CTW row (§2.1); 1.1 keeps the image's band count.
        let rows = TransformCase.Comparison.size("1.1 keeps the band count whatever the CTW rows")
        if colour {
            // Master and 1.1 read the hill-shading normals as three interleaved floats per pixel whatever the band
            // count; this server shades each pixel's first three bands (README, compatibility notes).
            let shading: Comparison = subject.channels > 3 ? .size("iipsrv shades three floats per pixel") : .pixels
            cases += [
                TransformCase("SHD=30,45", shading), TransformCase("SHD=200,20", shading),
                TransformCase("CTW=[0.3,0.6,0.1;0.5,0.5,0;0,0.2,0.8]"), TransformCase("CTW=[0.2,0.7,0.1]", rows),
                TransformCase("SHD=120,35&INV=1&CMP=cold&ROT=90", shading),
                TransformCase("CTW=[0.3,0.6,0.1;0.5,0.5,0;0,0.2,0.8]&GAM=1.5&CNT=1.3"),
            ]
        } else {
            cases += [TransformCase("CTW=[1.4]"), TransformCase("CTW=[0.5;1;0.3]", rows)]
        }
        // Combinations, each in iipsrv's order: normalise, shade, twist, gamma, invert, colour map, convolution,
        // contrast; then grey or binary, equalisation, flip, rotation.
        cases += [
            TransformCase(
                "MINMAX=0:\(low),\(high)&GAM=0.8&INV=1&CMP=jet",
                reference: "MINMAX=1:\(low),\(high)&GAM=0.8&INV=1&CMP=jet"),
            TransformCase("GAM=1.5&CNT=1.3&ROT=90"),
            TransformCase("COL=grey&CNT=eq&ROT=270", lab ? .size("grey of a CIELab image, see COL=grey") : wide),
            TransformCase("COL=binary&ROT=!90", binary),
            TransformCase("CNT=st&GAM=0.7&ROT=180"),
            TransformCase("INV=1&CMP=hot&ROT=!0"),
            TransformCase("CNV=sharpen&GAM=log&INV=1", .size("1.1 has no CNV or GAM=log")),
        ]
        return cases
    }
}
