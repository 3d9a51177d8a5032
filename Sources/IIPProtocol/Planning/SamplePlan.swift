import Foundation
public import IIPModel

/// Raw sample values read from every view of an image at one place, answered as text: IIP SPECTRA (one pixel,
/// one value per view) and PFL (a line of pixels per view) (iipsrv-reference §3.5).
///
/// The pipeline reads ``rect`` at ``resolution`` from each of ``views`` with the samples as stored, and hands the
/// values back to ``document(values:floatingPoint:)``, which writes the answer: planning and formatting stay here,
/// reading in the pipeline.
public struct SamplePlan: Sendable, Hashable {
    /// What is answered.
    public enum Kind: Sendable, Hashable {
        /// SPECTRA: channel 0 of one pixel per view, 8-bit values divided by 255 and 16-bit ones by 65535, as XML.
        case spectra
        /// PFL: every channel of every pixel of a line, per view, scaled by the stack layer's scale, as JSON.
        case profile
    }

    /// One view to read, and what it is called in the answer.
    public struct View: Sendable, Hashable {
        /// The sequence angles or stack layer.
        public var angles: SequenceAngles
        /// The stack layer's name, or the horizontal angle.
        public var name: String
        /// The stack layer's scale, 1 for sequences.
        public var scale: Double
    }

    /// What is answered.
    public var kind: Kind
    /// IIP resolution number.
    public var resolution: Int
    /// The pixels read, in that level's coordinates.
    public var rect: PixelRect
    /// The views, in the order of the image's horizontal views.
    public var views: [View]
    /// Bits per sample as read (8, 16 or 32), for SPECTRA's normalisation.
    public var bitsPerSample: Int

    /// The answer for `values`: per view, the samples of ``rect`` as stored, channel-interleaved.
    ///
    /// - Parameter floatingPoint: The samples are floating point (PFL then writes nine decimals).
    public func document(values: [[Double]], floatingPoint: Bool) -> Document {
        switch kind {
        case .spectra: Document(.text(spectra(values)), mediaType: "application/xml")
        case .profile: Document(.text(profile(values, floatingPoint: floatingPoint)), mediaType: "application/json")
        }
    }

    private func spectra(_ values: [[Double]]) -> String {
        // In single precision, as iipsrv computes it: 80 / 255 is 0.313726 there (0.313725 in double precision).
        let divisor: Float =
            switch bitsPerSample {
            case 8: 255
            case 16: 65535
            default: 1
            }
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<spectra>\n"
        for (view, samples) in zip(views, values) {
            let value = Double(Float(samples.first ?? 0) / divisor)
            let name = view.name.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
                of: "<", with: "&lt;")
            text += "\t<point>\n\t\t<wavelength>\(name)</wavelength>\n\t\t<reflectance>"
            text += String(format: "%f", value) + "</reflectance>\n\t</point>\n"
        }
        return text + "</spectra>"
    }

    private func profile(_ values: [[Double]], floatingPoint: Bool) -> String {
        func list(_ samples: [Double], scale: Double) -> String {
            "["
                + samples.map {
                    let value = scale == 1 ? $0 : $0 * scale
                    return floatingPoint ? String(format: "%.9f", value) : String(format: "%g", value)
                }.joined(separator: ",") + "]"
        }
        if views.count == 1, let samples = values.first {
            return "{\n\t\"profile\": \(list(samples, scale: views[0].scale))\n}"
        }
        let bands = zip(views, values).map { view, samples in
            "\t\t\"\(JSONEscaping.escape(view.name))\": \(list(samples, scale: view.scale))"
        }
        return "{\n\t\"profile\": {\n" + bands.joined(separator: ",\n") + "\n\t}\n}"
    }
}
