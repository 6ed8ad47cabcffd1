// SPDX-License-Identifier: MIT
/// `replay --journal`: the outcome of every finished delivery, appended as it happens, so that
/// the same command after a crash or Ctrl-C sends nothing already acknowledged.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::replay {

/// How a record fared in an earlier run.
enum class Previous { none, acknowledged, failed };

/// A JSON Lines file, mode 0600: a first line naming the destination
/// ({"v":1,"journal":"hooks replay","to":URL}), then one line per finished delivery:
/// {"i":INDEX,"h":HASH,"ok":BOOL,"status":N|null,"attempts":N}. INDEX is the record's position
/// in the log (1-based, before filtering); HASH the first 16 hex digits of the SHA-256 of its
/// body, to notice a journal used with another log. Each line is one write(2) on an O_APPEND
/// descriptor: a SIGKILL loses at most the lines of deliveries still in flight.
class Journal {
  public:
    /// Opens or creates `path`. Entries already there are loaded (a torn last line is cut off
    /// and reported in note()). Fails (usage error) when the journal was written for another
    /// destination, (input error) when it cannot be opened or a middle line does not parse,
    /// naming the line.
    static Result<std::unique_ptr<Journal>> open(const std::string& path,
                                                 const std::string& destination);

    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;
    ~Journal();

    /// What an earlier run recorded for record `index` with body hash `hash` (body_hash()):
    /// acknowledged wins over failed. Fails (usage error) when the hash differs: the journal
    /// belongs to another log.
    Result<Previous> previous(std::uint64_t index, std::string_view hash) const;

    /// Appends one outcome. Fails (input error) when the write fails.
    Result<void> record(std::uint64_t index, std::string_view hash, bool is_ok,
                        std::optional<int> status, int attempts);

    /// Entries loaded at open(): acknowledged and (finally) failed deliveries.
    std::uint64_t loaded_acknowledged() const { return m_loaded_acknowledged; }
    std::uint64_t loaded_failed() const { return m_loaded_failed; }

    /// Empty, or one line about a torn last line that open() removed.
    const std::string& note() const { return m_note; }

  private:
    struct Entry {
        std::uint64_t index = 0;
        std::uint64_t hash = 0;
        bool is_ok = false;
    };
    Journal(int fd, std::string path);
    Result<void> load(std::string_view text, const std::string& destination);

    int m_fd;
    std::string m_path;
    std::vector<Entry> m_entries; ///< sorted by index, one per index
    std::uint64_t m_loaded_acknowledged = 0;
    std::uint64_t m_loaded_failed = 0;
    std::string m_note;
};

/// The journal's body hash: the first 16 hex digits of SHA-256.
std::string body_hash(std::string_view body);

} // namespace hooks::replay
