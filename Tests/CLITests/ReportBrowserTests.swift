import Foundation
import XCTest
import SeglabTestSupport

/// The quickstart's report as a person sees it: rendered by headless Chromium (Debian's
/// `chromium`, which `.ci/run` installs), the screenshot decoded and looked at, and the DOM
/// Chromium built checked for every chart.
final class ReportBrowserTests: CLITestCase {
    /// Okabe–Ito, the charts' categorical palette.
    static let palette: [UInt32] = [0x0072B2, 0xE69F00, 0x009E73, 0xD55E00, 0x56B4E9, 0xCC79A7, 0xF0E442]

    func chromium() throws -> String {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) { return path }
        throw XCTSkip("SKIPPED: no chromium here (.ci/run installs Debian's chromium; apt-get install -y chromium)")
    }

    /// Runs Chromium headless on the page; returns stdout.
    @discardableResult
    func browse(_ browser: String, _ arguments: [String], page: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
                       "--user-data-dir=" + dir.appendingPathComponent("chromium-profile").path] + arguments + [page.absoluteString]
        p.currentDirectoryURL = dir
        let out = dir.appendingPathComponent("chromium.out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "chromium \(arguments)")
        return try String(contentsOf: out, encoding: .utf8)
    }

    func testTheQuickstartReportRendersInChromium() throws {
        let browser = try chromium()
        // The quickstart file as shipped, on 4,000 customers instead of 20,000 so the test
        // stays quick: the same 28-run grid, the same charts.
        let shipped = try String(contentsOf: SharedFixtures.packageRoot.appendingPathComponent("experiments/quickstart.json"), encoding: .utf8)
        XCTAssertTrue(shipped.contains(#""customers": 20000"#))
        try write("quickstart.json", shipped.replacingOccurrences(of: #""customers": 20000"#, with: #""customers": 4000"#))
        let run = try seglab("run", "quickstart.json")
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try seglab("report", "--out", "report")
        XCTAssertEqual(report.status, 0, report.stderr)
        let page = dir.appendingPathComponent("report/index.html")
        let charts = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("report/charts").path)
        XCTAssertEqual(charts.count, 11, "\(charts)")

        // The DOM Chromium built from the file holds every chart's SVG, with its title.
        let dom = try browse(browser, ["--dump-dom"], page: page)
        XCTAssertEqual(dom.components(separatedBy: "<svg ").count - 1, charts.count)
        for chart in charts {
            let svg = try String(contentsOf: dir.appendingPathComponent("report/charts/\(chart)"), encoding: .utf8)
            let title = svg.components(separatedBy: "<title>")[1].components(separatedBy: "</title>")[0]
            XCTAssertTrue(dom.contains("<title>\(title)</title>"), "\(chart): \(title)")
        }
        XCTAssertTrue(dom.contains("Segmentation report: quickstart"))

        // The screenshot: the expected size, far from blank, and the charts' colours on it.
        let (width, height) = (1400, 9000)
        try browse(browser, ["--screenshot=" + dir.appendingPathComponent("shot.png").path, "--window-size=\(width),\(height)"], page: page)
        let image = try PNGImage(Data(contentsOf: dir.appendingPathComponent("shot.png")))
        XCTAssertEqual(image.width, width)
        XCTAssertEqual(image.height, height)
        var counts: [UInt32: Int] = [:]
        var background = 0, lastInked = 0
        var paletteRows: [(y: Int, colour: UInt32)] = []
        let palette = Set(Self.palette)
        for y in 0 ..< image.height {
            for x in 0 ..< image.width {
                let p = image.pixel(x, y)
                counts[p, default: 0] += 1
                // The page's background and the figures' white.
                if p == 0xFAFAFA || p == 0xFFFFFF { background += 1 } else { lastInked = y }
                if palette.contains(p) { paletteRows.append((y, p)) }
            }
        }
        let inked = 1 - Double(background) / Double(width * height)
        XCTAssertGreaterThan(inked, 0.03, "the page is nearly blank")
        let colours = Self.palette.filter { counts[$0, default: 0] >= 50 }
        XCTAssertGreaterThanOrEqual(colours.count, 5, "palette colours drawn: \(colours.map { String($0, radix: 16) })")
        XCTAssertGreaterThan(counts.count, 500, "distinct colours: charts, heat maps and text antialiasing")
        // Charts all the way down the page: the upper half of the drawn part (leaderboard and
        // algorithms) and the lower half (segments: sizes, radar, PCA and t-SNE views) both
        // show several of the palette's colours.
        XCTAssertGreaterThan(lastInked, 4000, "the page is shorter than its charts")
        let upper = Set(paletteRows.filter { $0.y < lastInked / 2 }.map(\.colour))
        let lower = Set(paletteRows.filter { $0.y >= lastInked / 2 }.map(\.colour))
        XCTAssertGreaterThanOrEqual(upper.count, 2, "upper half: \(upper)")
        XCTAssertGreaterThanOrEqual(lower.count, 5, "lower half: \(lower)")
    }
}
