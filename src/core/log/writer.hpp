// SPDX-License-Identifier: MIT
/// Appends records to a delivery log on an O_APPEND descriptor, file mode 0600: one record per
/// write(2), or a batch of records with one writev(2) (group commit); safe to call from several
/// threads.
#pragma once

#include "core/error.hpp"
#include "core/log/drop_behind.hpp"
#include "core/log/record.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/uio.h>
#include <vector>

namespace hooks::log {

/// Records serialized ahead of a write, so that serializing needs no lock. Not thread-safe.
class Batch {
  public:
    /// Serializes `record` at the end of the batch; its seq is assigned by the writer.
    void add(const Record& record);
    std::size_t size() const { return m_ends.size(); }
    bool empty() const { return m_ends.empty(); }
    /// Record `i` (0-based) as serialized: to_json_line() of it with seq 0.
    std::string_view line(std::size_t i) const;
    /// The size of record `i`'s line in the log once the writer numbered it `seq`.
    std::size_t written_size(std::size_t i, std::uint64_t seq) const;
    /// Empties the batch and keeps its memory for the next one (and whether it asks for its
    /// place).
    void clear();
    /// Whether the writer is to say where in the file the batch went (BatchResult::
    /// first_offset): one more system call per batch, so only when someone reads lines back.
    void ask_place(bool asks) { m_asks_place = asks; }
    bool asks_place() const { return m_asks_place; }

  private:
    friend class Writer;
    std::string m_lines;             ///< each line as to_json_line writes it with seq 0
    std::vector<std::size_t> m_ends; ///< where each line ends in m_lines
    bool m_asks_place = false;
};

/// What Writer::append_batch did: the first `written` records of the batch are in the log,
/// numbered from `first_seq` on; the others are not, and `error` says why.
struct BatchResult {
    std::uint64_t first_seq = 0;
    std::size_t written = 0;
    std::optional<Error> error;
    /// Where the first record's line starts in the log file, when the batch asked for it, was
    /// written whole, and the log can read lines back (Sink::read_line); each next line follows
    /// the one before (Batch::written_size).
    std::optional<std::uint64_t> first_offset;
};

/// Where a record's line lies in a log file.
struct Place {
    std::uint64_t offset = 0; ///< of its first byte
    std::size_t size = 0;     ///< its '\n' included
};

class Sink;

/// A record as the log wrote it in a batch, for those that keep deliveries (listen's
/// Observer::keep): its line as the batch holds it (with seq 0), and where the log put it.
struct Logged {
    std::string_view line;
    std::optional<Place> place; ///< when `sink` can read it back
    const Sink* sink = nullptr;
};

/// Where a receiver records deliveries: the log file (Writer), or a fake in tests (a disk that
/// is full). Thread-safe.
class Sink {
  public:
    Sink() = default;
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;
    virtual ~Sink() = default;

    /// Records one delivery, assigning its seq; an error means it is not recorded.
    virtual Result<void> append(Record& record) = 0;

    /// Records a batch in order; see BatchResult for what a failure leaves.
    virtual BatchResult append_batch(const Batch& batch) = 0;

    /// The bytes at `place` (a line's, as BatchResult::first_offset told), read back from the
    /// log. Fails (input error) when the log cannot be read or no longer holds that many bytes
    /// there; the caller checks that they are the line it expects (the file may have been
    /// truncated or replaced since). By default the sink cannot read back.
    virtual Result<std::string> read_line(Place place) const;
};

class Writer final : public Sink {
  public:
    /// Opens or creates `path` (mode 0600) for appending. An existing log continues its `seq`
    /// numbering from its last record (1 for an empty or new file); only the end of the file is
    /// read. A torn last line (no '\n': a write cut short by a crash, never acknowledged) is cut
    /// off and reported in `repair_note()`; if that line is a complete record that only lacks
    /// its '\n', the '\n' is added instead. Fails (input error) with one line naming the file
    /// when it cannot be opened, read or repaired, or its last complete record does not parse.
    static Result<std::unique_ptr<Writer>>
    open(const std::string& path, off_t drop_behind_window = DropBehind::k_default_window);

    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer() override;

    /// Assigns the next seq to `record` and appends it as to_json_line() with a single write.
    /// On a short or failed write the file is truncated back so that no torn line stays, seq
    /// is not used up, and the error says why ("cannot write to PATH: No space left on
    /// device"); the caller must then not acknowledge the delivery. Thread-safe.
    Result<void> append(Record& record) override;

    /// Appends the records of `batch` in order, numbered with consecutive seqs, with one
    /// writev(2) (more for batches beyond a few hundred records), under one lock. Never splits
    /// a line between two writers. On a short or failed write, the records wholly written stay
    /// and count as written; the file is truncated back to the end of the last of them, so no
    /// torn line stays, and the others do not use up seqs: the caller must not acknowledge
    /// them. Thread-safe.
    BatchResult append_batch(const Batch& batch) override;

    /// pread(2) of a regular file's bytes; thread-safe, and it does not wait for writers.
    Result<std::string> read_line(Place place) const override;

    /// Empty unless open() repaired a torn last line: "removed a torn last line of 17 bytes".
    const std::string& repair_note() const { return m_repair_note; }

    /// The permission bits (0644) of the log when it is a regular file that others than its
    /// owner may read or write (an existing file keeps its mode; a new one gets 0600), else
    /// nothing. Deliveries hold what apps were sent: the caller warns.
    std::optional<unsigned> wide_mode() const;

    /// Why the system could not write the log back to disk ("Input/output error"), once a
    /// writeback started by drop-behind (see DropBehind) has failed. A regular file's pages
    /// are written back and dropped from the page cache every few MB appended.
    std::optional<std::string> writeback_failure();

    /// Waits until drop-behind has handled everything appended so far. For tests.
    void wait_for_writeback();

  private:
    Writer(int fd, std::string path, std::uint64_t next_seq, std::string repair_note,
           std::optional<off_t> drop_behind_from, off_t drop_behind_window);
    std::size_t write_records(const Batch& batch, std::size_t first, std::size_t count,
                              std::optional<Error>& error);
    /// Under m_mutex, after all of a batch's `bytes` were written: where they start.
    std::optional<std::uint64_t> start_of_last(std::uint64_t bytes) const;

    int m_fd;
    std::string m_path;
    std::mutex m_mutex;
    std::uint64_t m_next_seq;         ///< guarded by m_mutex
    std::vector<char> m_digits;       ///< the seqs being written, guarded by m_mutex
    std::vector<iovec> m_vectors;     ///< guarded by m_mutex
    std::vector<std::size_t> m_sizes; ///< of the lines being written, guarded by m_mutex
    std::string m_repair_note;
    bool m_is_regular = false;               ///< a file that lines can be read back from
    std::optional<DropBehind> m_drop_behind; ///< regular files only; used under m_mutex
};

} // namespace hooks::log
