/// One version of one remote object: blocks of different versions never mix.
package struct ObjectIdentity: Sendable, Hashable {
    /// The object's path (the prefix and the image's path).
    package var path: String
    /// Its entity tag, or its length and modification date when the store sends no entity tag.
    package var version: String
}
