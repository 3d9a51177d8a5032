import FuzzSupport
import IIPProtocol

/// Tokenizes and parses the input as an IIP request string (``IIPQueryToken``, ``IIPRequestParser``).
///
/// Checks that the parser gives one item per token and that no FIF path keeps a `../`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIIPQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let query = FuzzInput(data, size).string
    let tokens = IIPQueryToken.tokenize(query)
    let items = IIPRequestParser().parse(query)
    precondition(items.count == tokens.count, "one item per token")
    for token in tokens {
        precondition(!token.name.isEmpty, "a token has a name")
    }
    for case .command(.fif(let path)) in items {
        precondition(!path.containsParentStep, "FIF path keeps ../: \(path)")
    }
    return 0
}
