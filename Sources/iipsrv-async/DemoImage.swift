import IIPImaging

/// The demo picture: a Mandelbrot set, which has detail at every zoom level.
enum DemoImage {
    /// Renders a `width` x `height` RGB picture of the Mandelbrot set.
    static func render(width: Int, height: Int) -> PixelBuffer {
        var pixels = PixelBuffer(width: width, height: height, channels: 3)
        let centreX = -0.743643887037151
        let centreY = 0.131825904205330
        let span = 0.0105
        let scale = span / Double(width)
        let maxIterations = 400
        for row in 0..<height {
            let ci = centreY + (Double(row) - Double(height) / 2) * scale
            for column in 0..<width {
                let cr = centreX + (Double(column) - Double(width) / 2) * scale
                var zr = 0.0
                var zi = 0.0
                var iteration = 0
                while iteration < maxIterations && zr * zr + zi * zi <= 16 {
                    let next = zr * zr - zi * zi + cr
                    zi = 2 * zr * zi + ci
                    zr = next
                    iteration += 1
                }
                let offset = (row * width + column) * 3
                guard iteration < maxIterations else { continue }
                let t = Double(iteration) / Double(maxIterations)
                let shade = t.squareRoot()
                pixels.bytes[offset] = UInt8(min(255, 9 * (1 - shade) * shade * shade * shade * 255 * 1.7))
                pixels.bytes[offset + 1] = UInt8(min(255, 15 * (1 - shade) * (1 - shade) * shade * shade * 255))
                pixels.bytes[offset + 2] = UInt8(
                    min(255, 8.5 * (1 - shade) * (1 - shade) * (1 - shade) * shade * 255 + 40 * shade))
            }
        }
        return pixels
    }

    /// Writes the demo pyramid TIFF (JPEG tiles of 256 pixels) to `path`.
    static func write(to path: String, width: Int = 4096, height: Int = 3072) throws(ImagingError) {
        var writer = PyramidTIFFWriter()
        writer.compression = .jpeg(quality: 90)
        writer.metadata.title = "Mandelbrot set"
        writer.metadata.creator = "iipsrv-async demo"
        writer.metadata.rights = "CC0"
        try writer.write(render(width: width, height: height), to: path)
    }
}
