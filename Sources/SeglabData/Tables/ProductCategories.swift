import SeglabNumerics

/// Clusters the rows of a keyword matrix into `k` groups and returns the `k` centres. The
/// runner supplies seeded K-Means (SeglabData does not depend on SeglabClustering).
public typealias KeywordClusterer = (_ vectors: Matrix, _ k: Int, _ nInit: Int) throws -> Matrix

/// A product as the categories see it: its keywords (the union over its descriptions) and
/// what customers spent on it.
struct ProductKeywords {
    var product: String
    /// Its most frequent description in the rows (the first seen on ties).
    var description: String
    /// Sorted, without repeats.
    var words: [String]
    var rows: Int
    /// Sum of line values (rows when the events have no value).
    var spend: Double
}

/// Product categories fitted on an experiment's products (`CategoriesDefinition`): the keyword
/// vocabulary and weights, and each category's centre and name. Stored in `model.json`, so
/// `assign` puts new customers' products in the same categories without refitting.
///
/// A product's vector has one entry per vocabulary keyword it has (1, or the keyword's idf),
/// L2-normalised; it belongs to the category whose centre is nearest (squared Euclidean
/// distance in seglab's one kernel, lowest number on ties), both when fitting (after K-Means)
/// and in `assign`, so the run's own products always get their categories back. A product with
/// no vocabulary keyword is uncategorised (category 0): it counts in a customer's total spend
/// but in no share. Categories are numbered by decreasing spend (1 = the largest).
public struct ProductCategories: Codable, Sendable, Equatable {
    /// Sorted keywords used by at least `min_products` products.
    public var vocabulary: [String]
    /// Per keyword, with `tfidf`; nil with `binary`.
    public var idf: [Double]?
    /// The experiment's stop words (the built-in ones are the code's).
    public var stopWords: [String]
    /// Category n's name (index n − 1): its top keywords by centre weight, space-separated.
    public var names: [String]
    /// Category n's centre over the vocabulary (index n − 1).
    public var centers: [[Double]]
    /// The products of the data the categories were fitted on (for `product_categories.csv`;
    /// not stored in `model.json`).
    public var products: [Entry] = []

    /// One product's line of `product_categories.csv`.
    public struct Entry: Sendable, Equatable {
        public var category: Int
        public var product: String
        public var description: String
        public var rows: Int
        public var spend: Double
    }

    enum CodingKeys: String, CodingKey {
        case vocabulary, idf, names, centers
        case stopWords = "stop_words"
    }

    public var k: Int { centers.count }

    /// Fits the categories on `products` (in first-appearance order).
    static func fit(_ products: [ProductKeywords], definition d: CategoriesDefinition,
                    clusterer: KeywordClusterer) throws -> ProductCategories {
        var df: [String: Int] = [:]
        for p in products { for w in p.words { df[w, default: 0] += 1 } }
        let vocabulary = df.filter { $0.value >= d.minProducts }.keys.sorted()
        let n = Double(products.count)
        let idf = d.weighting == .tfidf ? vocabulary.map { _log((1 + n) / (1 + Double(df[$0]!))) + 1 } : nil
        var fitted = ProductCategories(vocabulary: vocabulary, idf: idf, stopWords: d.stopWords.map { $0.lowercased() }.sorted(),
                                       names: [], centers: [])
        let (x, rows) = fitted.vectors(products.map(\.words))
        guard rows.count >= d.k else {
            throw DeclarationError(path: TablesPlace.categories + ".k",
                "k = \(d.k), but only \(rows.count) of \(products.count) products have a keyword used by at least \(d.minProducts) products"
                + " (\(vocabulary.count) such keywords); lower k or min_products")
        }
        let centers = try clusterer(x, d.k, d.nInit)
        let labels = Kernels.nearestCenters(x, centers: centers).labels
        // Numbered by decreasing spend, ties by K-Means label.
        var spend = [Double](repeating: 0, count: d.k)
        for (r, l) in zip(rows, labels) { spend[l] += products[r].spend }
        let order = (0 ..< d.k).sorted { spend[$0] > spend[$1] || (spend[$0] == spend[$1] && $0 < $1) }
        var number = [Int](repeating: 0, count: d.k)
        for (rank, label) in order.enumerated() { number[label] = rank + 1 }
        fitted.centers = order.map { centers.row($0) }
        fitted.names = fitted.centers.map { center in
            let top = center.indices.filter { center[$0] > 0 }
                .sorted { center[$0] > center[$1] || (center[$0] == center[$1] && $0 < $1) }
            return top.prefix(d.nameWords).map { vocabulary[$0] }.joined(separator: " ")
        }
        var category = [Int](repeating: 0, count: products.count)
        for (r, l) in zip(rows, labels) { category[r] = number[l] }
        fitted.products = zip(products, category).map {
            Entry(category: $1, product: $0.product, description: $0.description, rows: $0.rows, spend: $0.spend)
        }
        return fitted
    }

    /// Each keyword list's category (0: no vocabulary keyword).
    func categories(of words: [[String]]) -> [Int] {
        let (x, rows) = vectors(words)
        var out = [Int](repeating: 0, count: words.count)
        guard !rows.isEmpty else { return out }
        let labels = Kernels.nearestCenters(x, centers: Matrix(rowArrays: centers)).labels
        for (r, l) in zip(rows, labels) { out[r] = l + 1 }
        return out
    }

    /// The L2-normalised vectors of the keyword lists that have a vocabulary keyword, and
    /// which lists those are.
    private func vectors(_ words: [[String]]) -> (Matrix, [Int]) {
        let slot = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        var storage: [Double] = [], rows: [Int] = []
        for (r, list) in words.enumerated() {
            let hits = Set(list.compactMap { slot[$0] }).sorted()
            guard !hits.isEmpty else { continue }
            var v = [Double](repeating: 0, count: vocabulary.count)
            var norm = 0.0
            for j in hits {
                let w = idf?[j] ?? 1
                v[j] = w
                norm += w * w
            }
            let scale = 1 / norm.squareRoot()
            for j in hits { v[j] *= scale }
            storage += v
            rows.append(r)
        }
        return (Matrix(rows: rows.count, cols: vocabulary.count, storage: storage), rows)
    }
}
