import Foundation
import SeglabLedger

/// `seglab ledger check [--repair]`: what is wrong with a ledger and the files it names.
///
/// Looks for: SQLite integrity problems; runs stuck `running` whose runner is gone (or silent);
/// artifacts missing or whose bytes differ from their recorded SHA-256; files under the results
/// folders that no ledger row names (orphans); temporary files left by a killed process. With
/// `repair`, it fixes what is safe to fix without losing anything: stuck runs are requeued
/// (`interrupted`, so the next `run` takes them) and temporary files removed. The rest is
/// reported with what to do (`seglab rerun ID` rewrites a run's artifacts).
public enum LedgerCheck {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case integrity, stuckRun = "stuck run", missingArtifact = "missing artifact"
            case alteredArtifact = "altered artifact", orphan = "orphan file", temporary = "temporary file"
        }
        public var kind: Kind
        public var detail: String
        /// What `repair` did about it; nil when it is still wrong.
        public var repaired: String?

        public var description: String { "\(kind.rawValue): \(detail)" + (repaired.map { " — \($0)" } ?? "") }
    }

    /// Every finding, in the order above (each kind sorted by path or id).
    public static func run(ledger: Ledger, repair: Bool, staleAfter: TimeInterval = Ledger.staleAfter) throws -> [Finding] {
        var findings = try ledger.integrityProblems().map { Finding(kind: .integrity, detail: $0) }
        for running in try ledger.runningRuns() {
            guard let reason = running.staleness(staleAfter: staleAfter) else { continue }
            var finding = Finding(kind: .stuckRun, detail: "run \(running.id) is `running` but \(reason)")
            if repair, try ledger.requeue(running, because: "ledger check --repair: \(reason)") {
                finding.repaired = "requeued (interrupted): the next `seglab run` runs it"
            }
            findings.append(finding)
        }

        let artifacts = try ledger.recordedArtifacts()
        for (owner, artifact) in artifacts {
            let fix = owner.hasPrefix("experiment ") ? "run the experiment again to rewrite it" : "`seglab rerun \(owner)` rewrites it"
            guard let bytes = FileManager.default.contents(atPath: artifact.path) else {
                findings.append(Finding(kind: .missingArtifact, detail: "\(artifact.path) (\(owner)); \(fix)"))
                continue
            }
            if RunIdentity.sha256Hex(bytes) != artifact.sha256 {
                findings.append(Finding(kind: .alteredArtifact,
                                        detail: "\(artifact.path) (\(owner)) differs from the ledger's sha256; \(fix)"))
            }
        }

        // Files: under every folder that holds a run's folder or an experiment artifact.
        let named = Set(artifacts.map { standardized($0.artifact.path) })
        let experimentFolders = Set(try ledger.runFolders().map { parent($0.folder) }
                                    + artifacts.filter { $0.owner.hasPrefix("experiment ") }.map { parent($0.artifact.path) })
        for folder in experimentFolders.sorted() {
            let stale = Set(ArtifactStore.staleTemporaries(under: folder).map(standardized))
            // `report/` is where `seglab report` writes by default: not the ledger's to name.
            let runs = subfolders(of: folder).filter { ($0 as NSString).lastPathComponent != reportFolder }
            let statuses = try ledger.statuses(of: runs.map { ($0 as NSString).lastPathComponent })
            func status(_ path: String) -> RunStatus? { statuses[(parent(path) as NSString).lastPathComponent] }
            for run in runs where statuses[(run as NSString).lastPathComponent] == nil {
                findings.append(Finding(kind: .orphan, detail: "\(run)/ is not the folder of any run in the ledger"))
            }
            for path in files(in: folder) + runs.filter({ statuses[($0 as NSString).lastPathComponent] != nil }).flatMap(files(in:)) {
                if ArtifactStore.temporaryOwner((path as NSString).lastPathComponent) != nil {
                    guard stale.contains(path) else { continue }  // a live process is writing it
                    var finding = Finding(kind: .temporary, detail: path)
                    if repair, unlink(path) == 0 { finding.repaired = "removed" }
                    findings.append(finding)
                } else if !named.contains(path), parent(path) == folder || status(path) != .running {
                    findings.append(Finding(kind: .orphan, detail: "\(path) is not named by the ledger"))
                }
            }
        }
        return findings
    }

    /// The folder `seglab report` writes an experiment's report to, beside its run folders.
    public static let reportFolder = "report"

    private static func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
    private static func parent(_ path: String) -> String { standardized((path as NSString).deletingLastPathComponent) }

    private static func entries(_ folder: String) -> [(path: String, isFolder: Bool)] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { name in
            let path = standardized((folder as NSString).appendingPathComponent(name))
            var isFolder: ObjCBool = false
            return (path, FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue)
        }
    }

    private static func files(in folder: String) -> [String] { entries(folder).filter { !$0.isFolder }.map(\.path) }
    private static func subfolders(of folder: String) -> [String] { entries(folder).filter(\.isFolder).map(\.path) }
}
