/// Categorical colours that stay distinguishable with the common colour-vision deficiencies.
///
///     Palette.categorical(3)   // Okabe–Ito blue, orange, bluish green
public enum Palette {
    /// Okabe & Ito (2008), "Color Universal Design", ordered so the first colours are the
    /// most distinct on white (yellow, the palest, comes late).
    public static let okabeIto: [Color] = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000",
    ].map(Color.init(hex:))

    /// Paul Tol's "muted" qualitative scheme (2021), nine colours, for 9 or more categories.
    public static let tolMuted: [Color] = [
        "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
    ].map(Color.init(hex:))

    /// `count` colours: Okabe–Ito up to 8, Tol's muted scheme beyond (repeating after 9,
    /// where no palette keeps categories apart by colour alone; legends name each one).
    public static func categorical(_ count: Int) -> [Color] {
        let source = count <= okabeIto.count ? okabeIto : tolMuted
        return (0 ..< max(0, count)).map { source[$0 % source.count] }
    }
}
