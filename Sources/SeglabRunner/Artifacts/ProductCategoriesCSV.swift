import SeglabData

/// `product_categories.csv`, an experiment artifact (README "Product categories"): one line per
/// product of the data the categories were fitted on,
///
///     category,name,product,description,rows,spend
///     1,bag lunch jumbo,85099B,JUMBO BAG RED RETROSPOT,2115,85220.8
///
/// `category` is 1…k (1 has the largest spend) or 0 for a product with no vocabulary keyword;
/// `name` the category's top keywords (empty for 0); `description` the product's most frequent
/// description; `rows` its event rows and `spend` the sum of their line values (their number
/// when the events have no value). Lines go by category, then decreasing spend, then product.
public enum ProductCategoriesCSV {
    public static let name = "product_categories.csv"
    public static let header = ["category", "name", "product", "description", "rows", "spend"]

    public static func bytes(_ c: ProductCategories) -> [UInt8] {
        let sorted = c.products.sorted { a, b in
            if a.category != b.category { return a.category < b.category }
            if a.spend != b.spend { return a.spend > b.spend }
            return a.product.utf8.lexicographicallyPrecedes(b.product.utf8)
        }
        var csv = CSVBytes()
        csv.row(header)
        for p in sorted {
            csv.int(p.category); csv.comma()
            csv.field(p.category == 0 ? "" : c.names[p.category - 1]); csv.comma()
            csv.field(p.product); csv.comma()
            csv.field(p.description); csv.comma()
            csv.int(p.rows); csv.comma()
            csv.real(p.spend); csv.newline()
        }
        return csv.bytes
    }
}
