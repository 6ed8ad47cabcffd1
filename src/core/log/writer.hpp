// SPDX-License-Identifier: MIT
/// Appends records to a delivery log: one write(2) per record on an O_APPEND descriptor,
/// file mode 0600, safe to call from several threads.
#pragma once

#include "core/error.hpp"
#include "core/log/record.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace hooks::log {

class Writer {
  public:
    /// Opens or creates `path` (mode 0600) for appending. An existing log continues its `seq`
    /// numbering from its last record (1 for an empty or new file); only the end of the file is
    /// read. A torn last line (no '\n': a write cut short by a crash, never acknowledged) is cut
    /// off and reported in `repair_note()`; if that line is a complete record that only lacks
    /// its '\n', the '\n' is added instead. Fails (input error) with one line naming the file
    /// when it cannot be opened, read or repaired, or its last complete record does not parse.
    static Result<std::unique_ptr<Writer>> open(const std::string& path);

    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer();

    /// Assigns the next seq to `record` and appends it as to_json_line() with a single write.
    /// On a short or failed write the file is truncated back so that no torn line stays, seq
    /// is not used up, and the error says why ("cannot write to PATH: No space left on
    /// device"); the caller must then not acknowledge the delivery. Thread-safe.
    Result<void> append(Record& record);

    /// Empty unless open() repaired a torn last line: "removed a torn last line of 17 bytes".
    const std::string& repair_note() const { return m_repair_note; }

  private:
    Writer(int fd, std::string path, std::uint64_t next_seq, std::string repair_note);

    int m_fd;
    std::string m_path;
    std::mutex m_mutex;
    std::uint64_t m_next_seq; ///< guarded by m_mutex
    std::string m_repair_note;
};

} // namespace hooks::log
