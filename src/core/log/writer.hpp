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
    /// Opens or creates `path` for appending. An existing log continues its `seq` numbering
    /// from its last record. A torn last line (a write cut short by a crash or a full disk,
    /// never acknowledged) is cut off and reported in `repair_note()`. Fails with one line when
    /// the file cannot be opened or its last complete record does not parse.
    static Result<std::unique_ptr<Writer>> open(const std::string& path);

    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer();

    /// Assigns the next seq to `record` and appends it with a single write. On a short or
    /// failed write the file is truncated back so that no torn line stays, and the error says
    /// why (disk full, I/O error); the caller must then not acknowledge the delivery.
    Result<void> append(Record& record);

    /// Empty unless open() repaired a torn last line: "removed a torn last line of 17 bytes".
    const std::string& repair_note() const { return repair_note_; }

  private:
    Writer(int fd, std::uint64_t next_seq, std::string repair_note);
    int fd_;
    std::mutex mutex_;
    std::uint64_t next_seq_;
    std::string repair_note_;
};

} // namespace hooks::log
