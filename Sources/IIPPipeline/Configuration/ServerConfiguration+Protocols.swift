package import IIPModel
package import IIPProtocol

extension ServerConfiguration {
    /// What the protocols plan with, from this configuration and the formats this build can write.
    package func protocolSettings(formats: Set<OutputFormat>) -> ProtocolSettings {
        ProtocolSettings(
            formats: formats,
            qualities: OutputQualities(
                jpeg: jpegQuality, png: pngQuality, webp: webpQuality, tiff: tiffQuality, avif: avifQuality),
            maxCVT: maxCVT, allowUpscaling: allowUpscaling, resampling: interpolation == 0 ? .nearest : .bilinear,
            maxTileRange: maxTileRange, maxQueryLength: maxQueryLength, uriMap: URIMap(uriMap),
            iiifVersion: iiifVersion == 2 ? .v2 : .v3, iiifExtensions: iiifExtensions,
            iiifPreferredFormats: iiifPreferredFormats,
            iiifDelimiter: iiifDelimiter,
            iiifExtraInfo: iiifExtraInfo, baseURL: baseURL, copyright: copyright)
    }
}
