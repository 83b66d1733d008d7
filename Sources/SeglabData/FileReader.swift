import Crypto
import Foundation

/// Where a long file read stands, for a progress line: bytes read so far and the file's size.
public typealias ReadProgress = @Sendable (_ bytesRead: Int, _ totalBytes: Int) -> Void

/// A regular file read front to back once, every byte hashed (SHA-256) as it is read, so a
/// data fingerprint is that of the very bytes that were parsed. A file that changes size or
/// modification time while it is read is bad input. Bytes already in memory (a request body
/// of `seglab serve`) are read the same way; `path` then only names them.
///
/// The hashing runs on a serial queue beside the parsing (the other core): a buffer handed to
/// `read` must stay untouched until `waitForHashing()`.
final class FileReader: @unchecked Sendable {
    let path: String
    /// The size when the file was opened.
    let size: Int
    private enum Source {
        case file(fd: Int32, modified: timespec)
        case memory([UInt8])
    }
    private let source: Source
    /// Only touched on `hashing` (and after `waitForHashing`).
    private var hasher = SHA256()
    private let hashing = DispatchQueue(label: "seglab.file-hash")
    private let pending = DispatchGroup()
    private(set) var bytesRead = 0
    private let progress: ReadProgress?

    init(path: String, progress: ReadProgress? = nil) throws {
        self.path = path
        self.progress = progress
        // The path is checked with `stat` first (a FIFO would block `open`), and opened without
        // blocking in case it was replaced by one in between.
        if let problem = InputFile.problem(at: path) { throw DataError(file: path, "cannot read the file: \(problem)") }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw DataError(file: path, "cannot read the file (\(String(cString: strerror(errno))))") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw DataError(file: path, "cannot read the file (not a regular file)")
        }
        size = Int(st.st_size)
        source = .file(fd: fd, modified: st.st_mtim)
    }

    init(path: String, contents: [UInt8]) {
        self.path = path
        progress = nil
        size = contents.count
        source = .memory(contents)
    }

    deinit {
        waitForHashing()
        if case .file(let fd, _) = source { close(fd) }
    }

    /// Reads up to `count` bytes into `buffer` (fewer only at the end of the file); returns
    /// how many, 0 at the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        var done = 0
        switch source {
        case .file(let fd, _):
            while done < count {
                let n = Foundation.read(fd, buffer + done, count - done)
                if n < 0, errno == EINTR { continue }
                guard n >= 0 else { throw DataError(file: path, "cannot read the file (\(String(cString: strerror(errno))))") }
                if n == 0 { break }
                done += n
            }
        case .memory(let bytes):
            done = min(count, bytes.count - bytesRead)
            bytes.withUnsafeBufferPointer { b in if done > 0 { buffer.update(from: b.baseAddress! + bytesRead, count: done) } }
        }
        let bytes = Bytes(pointer: UnsafeRawBufferPointer(start: buffer, count: done))
        hashing.async(group: pending) { [self] in hasher.update(bufferPointer: bytes.pointer) }
        bytesRead += done
        if done > 0 { progress?(bytesRead, size) }
        return done
    }

    /// `count` bytes at `offset` (already read once), read again into `buffer`: how a record
    /// is compared with an earlier one without keeping every record in memory.
    func reread(at offset: Int, count: Int, into buffer: UnsafeMutablePointer<UInt8>) throws {
        switch source {
        case .file(let fd, _):
            var done = 0
            while done < count {
                let n = pread(fd, buffer + done, count - done, off_t(offset + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw DataError(file: path, "cannot read the file again (it changed while being read)") }
                done += n
            }
        case .memory(let bytes):
            bytes.withUnsafeBufferPointer { b in buffer.update(from: b.baseAddress! + offset, count: count) }
        }
    }

    /// A buffer handed to the hashing queue; the reader's caller keeps it alive and unchanged.
    private struct Bytes: @unchecked Sendable { let pointer: UnsafeRawBufferPointer }

    /// Returns once every byte read so far is hashed (the buffers may then be reused).
    func waitForHashing() { pending.wait() }

    /// The SHA-256 (hex) of every byte read; bad input if the file changed meanwhile.
    func fingerprint() throws -> String {
        waitForHashing()
        if case .file(let fd, let modified) = source {
            var st = stat()
            guard fstat(fd, &st) == 0, Int(st.st_size) == size,
                  st.st_mtim.tv_sec == modified.tv_sec, st.st_mtim.tv_nsec == modified.tv_nsec else {
                throw DataError(file: path, "the file changed while being read; read it again when it is complete")
            }
        }
        guard bytesRead == size else {
            throw DataError(file: path, "the file changed while being read; read it again when it is complete")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
