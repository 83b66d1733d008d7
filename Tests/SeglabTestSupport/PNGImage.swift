import CZlib
import Foundation

/// A PNG file decoded to 8-bit RGB pixels: what the browser test reads from Chromium's
/// screenshots. Handles what Chromium writes (8-bit RGB or RGBA, non-interlaced, any of the
/// five row filters); zlib inflates the image data.
public struct PNGImage {
    public let width: Int
    public let height: Int
    /// Row-major RGB triples.
    public let rgb: [UInt8]

    public struct DecodeError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw DecodeError(description: "not a PNG file")
        }
        var offset = 8
        var header: [UInt8] = []
        var compressed: [UInt8] = []
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        while offset + 8 <= bytes.count {
            let length = be32(offset)
            let type = String(decoding: bytes[offset + 4 ..< offset + 8], as: UTF8.self)
            let body = Array(bytes[offset + 8 ..< offset + 8 + length])
            if type == "IHDR" { header = body }
            if type == "IDAT" { compressed += body }
            if type == "IEND" { break }
            offset += 12 + length
        }
        guard header.count == 13 else { throw DecodeError(description: "no IHDR chunk") }
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        let (depth, colorType, interlace) = (header[8], header[9], header[12])
        guard depth == 8, colorType == 2 || colorType == 6, interlace == 0 else {
            throw DecodeError(description: "unsupported PNG: depth \(depth), colour type \(colorType), interlace \(interlace)")
        }
        let channels = colorType == 6 ? 4 : 3
        let stride = width * channels
        let raw = try Self.inflate(compressed, expected: height * (stride + 1))
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0 ..< height {
            let filter = raw[y * (stride + 1)]
            for x in 0 ..< stride {
                let v = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw DecodeError(description: "bad row filter \(filter)")
                }
                pixels[y * stride + x] = UInt8((v + predicted) & 0xFF)
            }
        }
        if channels == 4 {
            var rgb = [UInt8](repeating: 0, count: width * height * 3)
            for i in 0 ..< width * height {
                // Chromium's screenshots are opaque; blend on white in case they are not.
                let alpha = Int(pixels[i * 4 + 3])
                for k in 0 ..< 3 { rgb[i * 3 + k] = UInt8((Int(pixels[i * 4 + k]) * alpha + 255 * (255 - alpha)) / 255) }
            }
            self.rgb = rgb
        } else {
            rgb = pixels
        }
    }

    /// The pixel at (x, y) as 0xRRGGBB.
    public func pixel(_ x: Int, _ y: Int) -> UInt32 {
        let i = (y * width + x) * 3
        return UInt32(rgb[i]) << 16 | UInt32(rgb[i + 1]) << 8 | UInt32(rgb[i + 2])
    }

    private static func inflate(_ input: [UInt8], expected: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expected)
        var size = uLongf(expected)
        let status = input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                uncompress(dst.baseAddress, &size, src.baseAddress, uLong(src.count))
            }
        }
        guard status == Z_OK, Int(size) == expected else {
            throw DecodeError(description: "zlib could not inflate the image data (status \(status), \(size) of \(expected) bytes)")
        }
        return output
    }
}
