package import IIPImaging
package import IIPProtocol

/// Decode, part of rendering: file to pixels, with a handle from the image's pool. Blocking: called on codec
/// threads.
package struct DecodeStage: Sendable {
    /// Creates the stage.
    package init() {}

    /// Decodes one tile of a view (sequence angles or stack layer).
    package func tile(
        _ image: OpenImage, resolution: Int, tile: Int, layers: Int? = nil, view: SequenceAngles = SequenceAngles()
    ) throws(ImagingError) -> PixelBuffer {
        try image.readTile(resolution: resolution, tile: tile, layers: layers, view: view)
    }
}
