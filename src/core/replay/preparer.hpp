// SPDX-License-Identifier: MIT
/// The reading half of a replay: records from the log, selected by the filter and the journal,
/// each with the request for its first attempt.
#pragma once

#include "core/http/wire_request.hpp"
#include "core/log/source.hpp"
#include "core/replay/journal.hpp"
#include "core/replay/plan.hpp"
#include "core/time/clock.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hooks::replay {

/// A record the filter and the journal selected, on its way to the receiver.
struct SelectedRecord {
    /// Whole when the plan writes failures out or signs afresh (it is needed again); otherwise
    /// only seq, id, method and target are left once its request is built (the rest is freed
    /// on the reading thread).
    log::Record record;
    std::uint64_t index = 0; ///< position in the log, from 1
    std::string hash;        ///< body_hash(), with a journal only
    std::string id;          ///< the delivery id, empty when the record has none
};

/// What the reading side hands over: a record and its first request, or a record that cannot
/// be sent (why), or nothing more.
struct Prepared {
    SelectedRecord selected;
    Result<http::WireRequest> request = http::WireRequest();
};

/// What reading found, for the summary.
struct ReadTotals {
    std::uint64_t read = 0;
    /// The line of the log that could not be read (a corrupt record), 0 when none.
    std::uint64_t corrupt_line = 0;
    std::uint64_t filtered_out = 0;
    std::uint64_t acknowledged_before = 0;
};

/// How far reading has got, for progress reports read on another thread: updated every 256
/// records and at the end of the log.
struct ReadProgress {
    std::atomic<std::uint64_t> records = 0; ///< records read (selected or not)
    std::atomic<std::uint64_t> bytes = 0;   ///< of the log, when SourceProgress can tell
};

/// The request for one attempt of `selected`: as captured or signed afresh at `clock.now()`,
/// with the plan's extra headers applied. Fails (not an input error) when a secret cannot sign.
Result<message::Message> request_for(const SelectedRecord& selected, const Plan& plan,
                                     const time::Clock& clock);

/// request_for() as it goes on the wire (written into `buffer`, whose memory is reused). Fails
/// (input error) as well when the request cannot go on the wire as it is.
Result<http::WireRequest> wire_request_for(const SelectedRecord& selected, const Plan& plan,
                                           const time::Clock& clock, std::string buffer = {});

/// Reads and selects records one at a time.
class Preparer {
  public:
    /// `journal` may be null; `read` is updated now and then. All must outlive the preparer.
    Preparer(log::Source& source, const Plan& plan, const time::Clock& clock,
             const Journal* journal, const SourceProgress& progress, ReadProgress& read)
        : m_source(source), m_plan(plan), m_clock(clock), m_journal(journal), m_progress(progress),
          m_read(read) {}

    /// The next selected record; nothing at the end of the log. Fails on a corrupt log or a
    /// journal that belongs to another log.
    Result<std::optional<SelectedRecord>> select();

    /// The next selected record with its first request. Fails as select() does, and when a
    /// secret cannot sign.
    Result<std::optional<Prepared>> next();

    const ReadTotals& totals() const { return m_totals; }

    /// A spent request's buffer, for next() to write a request into. Large ones are freed.
    void reuse(std::string&& buffer);

  private:
    void note_position();

    log::Source& m_source;
    const Plan& m_plan;
    const time::Clock& m_clock;
    const Journal* m_journal;
    const SourceProgress& m_progress;
    ReadProgress& m_read;
    ReadTotals m_totals;
    std::vector<std::string> m_buffers;
};

} // namespace hooks::replay
