import COpenJPEG

/// What OpenJPEG reported for one codec: its last error and a count of warnings, collected through the per-codec
/// message callbacks (whose `client_data` is this object, unretained, so the codec must not outlive it).
final class OpenJPEGMessages {
    var lastError: String?
    var warnings = 0

    func describe(_ fallback: String) -> String {
        lastError ?? fallback
    }

    static let error: opj_msg_callback = { message, context in
        guard let context else { return }
        let messages = Unmanaged<OpenJPEGMessages>.fromOpaque(context).takeUnretainedValue()
        let text = message.map { String(cString: $0) } ?? "unknown error"
        var trimmed = Substring(text)
        while trimmed.last == "\n" { trimmed = trimmed.dropLast() }
        messages.lastError = String(trimmed)
    }

    static let warning: opj_msg_callback = { _, context in
        guard let context else { return }
        Unmanaged<OpenJPEGMessages>.fromOpaque(context).takeUnretainedValue().warnings += 1
    }

    static let ignore: opj_msg_callback = { _, _ in }

    /// Installs the three handlers on `codec`, reporting into `messages`.
    static func install(on codec: UnsafeMutablePointer<opj_codec_t?>, _ messages: OpenJPEGMessages) {
        let context = Unmanaged.passUnretained(messages).toOpaque()
        _ = opj_set_error_handler(codec, error, context)
        _ = opj_set_warning_handler(codec, warning, context)
        _ = opj_set_info_handler(codec, ignore, context)
    }
}
