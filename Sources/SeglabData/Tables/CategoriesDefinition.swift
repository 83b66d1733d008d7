/// Product categories from descriptions (`data.tables.categories`): products are grouped by the
/// keywords of their descriptions, and each customer's spend share per category becomes a
/// feature, `cat_1_share` … `cat_<k>_share` (category 1 has the largest spend).
///
///     CategoriesDefinition(k: 12, minProducts: 10, stopWords: ["pink", "blue"])
public struct CategoriesDefinition: Sendable, Equatable {
    public enum Weighting: String, Sendable, CaseIterable {
        /// 1 for each keyword a product has.
        case binary
        /// scikit-learn's smoothed idf, ln((1 + n) / (1 + df)) + 1, for each keyword a product has.
        case tfidf
    }

    /// Number of categories (K-Means clusters of the products).
    public var k: Int
    /// A keyword is kept when at least this many products use it.
    public var minProducts: Int
    public var weighting: Weighting
    /// Words dropped on top of the built-in list (`Keywords.stopWords`), case folded.
    public var stopWords: [String]
    /// How many top keywords name a category.
    public var nameWords: Int
    /// K-Means restarts (k-means++), keeping the lowest inertia.
    public var nInit: Int

    public init(k: Int, minProducts: Int = 5, weighting: Weighting = .tfidf, stopWords: [String] = [],
                nameWords: Int = 3, nInit: Int = 10) {
        self.k = k; self.minProducts = minProducts; self.weighting = weighting
        self.stopWords = stopWords; self.nameWords = nameWords; self.nInit = nInit
    }

    /// `cat_<n>_share`, for category n (1-based).
    public static func shareName(_ n: Int) -> String { "cat_\(n)_share" }

    /// n of a `cat_<n>_share` name, or nil.
    public static func shareIndex(_ name: String) -> Int? {
        guard name.hasPrefix("cat_"), name.hasSuffix("_share") else { return nil }
        let middle = name.dropFirst(4).dropLast(6)
        guard !middle.isEmpty, middle.allSatisfy(\.isASCII), let n = Int(middle), n >= 1, String(n) == middle else { return nil }
        return n
    }
}
