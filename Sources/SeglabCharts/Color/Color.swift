import Foundation

/// An sRGB colour with 8-bit channels, written as `#rrggbb`.
///
///     let c = Color(hex: "#0072B2")
///     c.hex                              // "#0072b2"
///     Color.white.mixed(with: .black, 0.5).hex    // "#808080"
public struct Color: Sendable, Equatable, Hashable {
    public let red: UInt8, green: UInt8, blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red; self.green = green; self.blue = blue
    }

    /// From "#rrggbb" or "rrggbb"; traps on anything else (colours are constants in code).
    public init(hex: String) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6, let v = UInt32(digits, radix: 16) else { preconditionFailure("bad colour \(hex)") }
        self.init(red: UInt8(v >> 16), green: UInt8((v >> 8) & 0xFF), blue: UInt8(v & 0xFF))
    }

    public static let white = Color(red: 255, green: 255, blue: 255)
    public static let black = Color(red: 0, green: 0, blue: 0)

    public var hex: String {
        "#" + [red, green, blue].map { c in
            let s = String(c, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// The colour `t` of the way from `self` to `other` (channel-wise in sRGB, rounded).
    public func mixed(with other: Color, _ t: Double) -> Color {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded(.toNearestOrAwayFromZero))
        }
        return Color(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    /// WCAG 2 relative luminance, 0 (black) to 1 (white).
    public var luminance: Double {
        func linear(_ c: UInt8) -> Double {
            let s = Double(c) / 255
            return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Black or white, whichever contrasts more with this colour as a background (for the
    /// values printed on heat-map cells).
    public var contrastingText: Color {
        // Contrast ratios against black and white are (L + 0.05) / 0.05 and 1.05 / (L + 0.05).
        (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? .black : .white
    }
}
