// SPDX-License-Identifier: MIT
#include "core/replay/engine.hpp"

#include "core/log/writer.hpp"
#include "core/replay/prefetch_queue.hpp"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace hooks::replay {
namespace {

/// Read by progress reports while the batch runs.
struct Counters {
    std::atomic<std::uint64_t> delivered = 0;
    std::atomic<std::uint64_t> failed = 0;
    std::atomic<std::uint64_t> retrying = 0; ///< exchanges whose last attempt failed
};

/// The files a run writes besides its requests.
struct Outputs {
    std::unique_ptr<Journal> journal;
    std::unique_ptr<log::Writer> failed;
};

/// What a run keeps while it goes: its outputs, counters and what the summary needs.
struct RunState {
    Outputs outputs;
    Counters counters;
    ReadProgress read;
    Summary summary;
};

/// Where the journal says the replay goes: the origin, and the path when the destination names
/// one (so that "http://h:80" and "http://h" are the same destination).
std::string journal_destination(const Plan& plan) {
    return plan.destination.origin() +
           (plan.destination.has_path ? plan.destination.target : std::string());
}

Result<Outputs> open_outputs(const Plan& plan, bool is_dry_run, Observer& observer) {
    Outputs outputs;
    // A dry run reads a journal that exists but does not start one.
    if (!plan.journal_path.empty() &&
        (!is_dry_run || ::access(plan.journal_path.c_str(), F_OK) == 0)) {
        auto journal = Journal::open(plan.journal_path, journal_destination(plan));
        if (!journal) {
            return tl::unexpected(journal.error());
        }
        outputs.journal = std::move(*journal);
        observer.on_journal_opened(*outputs.journal);
    }
    if (!plan.failed_path.empty() && !is_dry_run) {
        // This run's failures only: those of earlier runs are tried again.
        if (::truncate(plan.failed_path.c_str(), 0) != 0 && errno != ENOENT) {
            return fail(ErrorKind::input, "cannot truncate " + plan.failed_path + ": " +
                                              std::system_category().message(errno));
        }
        auto failed = log::Writer::open(plan.failed_path);
        if (!failed) {
            return tl::unexpected(failed.error());
        }
        outputs.failed = std::move(*failed);
    }
    return outputs;
}

/// Feeds records to the batch and judges each attempt.
class ReplayDriver final : public http::BatchDriver {
  public:
    ReplayDriver(const Plan& plan, const Environment& environment, Observer& observer,
                 PrefetchQueue& queue, RunState& state)
        : m_plan(plan), m_environment(environment), m_observer(observer), m_queue(queue),
          m_outputs(state.outputs), m_counters(state.counters), m_summary(state.summary) {}

    Result<std::optional<http::BatchJob>> next() override;
    Result<std::optional<http::BatchRetry>> finished(std::uint64_t tag, int attempt,
                                                     const http::AttemptResult& result) override;
    Result<http::WireRequest> rebuild(std::uint64_t tag, int attempt) override;
    void recycle(http::WireRequest&& spent) override { m_queue.give_back(std::move(spent.bytes)); }
    bool should_stop() override { return m_environment.should_stop && m_environment.should_stop(); }

  private:
    /// Done with `found`: its record goes back to the reading thread.
    void close(std::unordered_map<std::uint64_t, SelectedRecord>::iterator found) {
        m_queue.give_back(std::move(m_open.extract(found).mapped()));
    }

    Result<void> finish(const SelectedRecord& selected, const http::AttemptResult* last,
                        Outcome&& outcome);

    const Plan& m_plan;
    const Environment& m_environment;
    Observer& m_observer;
    PrefetchQueue& m_queue;
    Outputs& m_outputs;
    Counters& m_counters;
    Summary& m_summary;
    std::unordered_map<std::uint64_t, SelectedRecord> m_open;
    bool m_has_started = false; ///< the first delivery has been handed out
};

Result<std::optional<http::BatchJob>> ReplayDriver::next() {
    while (true) {
        auto prepared = m_queue.pop();
        if (!prepared || !*prepared) {
            return prepared ? Result<std::optional<http::BatchJob>>(std::nullopt)
                            : tl::unexpected(prepared.error());
        }
        Prepared& item = **prepared;
        if (!item.request) {
            // A record that cannot go on the wire as it is: it fails, the others go on.
            Outcome outcome;
            outcome.reason = item.request.error().message;
            if (auto done = finish(item.selected, nullptr, std::move(outcome)); !done) {
                return tl::unexpected(done.error());
            }
            continue;
        }
        std::uint64_t tag = item.selected.index;
        if (!m_has_started) {
            m_observer.on_first_delivery(item.selected);
            m_has_started = true;
        }
        m_open.emplace(tag, std::move(item.selected));
        return std::optional<http::BatchJob>(http::BatchJob{tag, std::move(*item.request)});
    }
}

Result<std::optional<http::BatchRetry>> ReplayDriver::finished(std::uint64_t tag, int attempt,
                                                               const http::AttemptResult& result) {
    auto found = m_open.find(tag);
    if (found == m_open.end()) {
        return std::optional<http::BatchRetry>();
    }
    // Retry-After dates are read against the process's wall time, not the environment's clock:
    // a clock pinned for reproducible signatures (HOOKS_NOW) must not stretch real waits.
    retry::Decision decision =
        retry::decide(m_plan.schedule, attempt, http::outcome_of(result), m_plan.time_scale);
    if (attempt > 1) {
        --m_counters.retrying;
    }
    if (decision.verdict == retry::Verdict::retry && should_stop()) {
        // Interrupted before its retry: not journaled, so the rerun sends it again.
        close(found);
        return std::optional<http::BatchRetry>();
    }
    if (decision.verdict == retry::Verdict::retry) {
        // Signed afresh when it is due (rebuild()); as captured, the same bytes go again.
        ++m_counters.retrying;
        return std::optional<http::BatchRetry>(
            http::BatchRetry{decision.wait, m_plan.scheme != nullptr});
    }
    Outcome outcome;
    outcome.is_delivered = decision.verdict == retry::Verdict::success;
    outcome.attempts = attempt;
    outcome.reason =
        result ? std::move(decision.reason) : result.error().message + "; " + decision.reason;
    auto done = finish(found->second, &result, std::move(outcome));
    close(found);
    if (!done) {
        return tl::unexpected(done.error());
    }
    return std::optional<http::BatchRetry>();
}

Result<http::WireRequest> ReplayDriver::rebuild(std::uint64_t tag, int /*attempt*/) {
    auto found = m_open.find(tag);
    if (found == m_open.end()) {
        return fail(ErrorKind::input, "no record for this retry"); // cannot happen
    }
    return wire_request_for(found->second, m_plan, m_environment.clock);
}

Result<void> ReplayDriver::finish(const SelectedRecord& selected, const http::AttemptResult* last,
                                  Outcome&& outcome) {
    bool has_response = last != nullptr && *last;
    if (has_response) {
        outcome.status = (*last)->status;
        outcome.response = &**last;
    }
    if (m_outputs.journal) {
        // The delivery counts as done only once this line is in the journal.
        if (auto written =
                m_outputs.journal->record(selected.index, selected.hash, outcome.is_delivered,
                                          outcome.status, outcome.attempts);
            !written) {
            return tl::unexpected(written.error());
        }
    }
    ++(outcome.is_delivered ? m_counters.delivered : m_counters.failed);
    if (has_response) {
        m_summary.latency.add((*last)->latency);
    }
    if (!outcome.is_delivered) {
        ++m_summary.failures[last != nullptr ? http::failure_cause(*last) : "invalid request"];
        if (m_outputs.failed) {
            log::Record copy = selected.record;
            if (auto written = m_outputs.failed->append(copy); !written) {
                return tl::unexpected(written.error());
            }
        }
    }
    if (!outcome.is_delivered || m_plan.is_every_outcome_reported) {
        m_observer.on_finished(selected, outcome);
    }
    return {};
}

/// Calls Observer::on_progress() every period on a thread of its own, until destroyed.
class ProgressReporter {
  public:
    struct Sources {
        const Counters& counters;
        const ReadProgress& read;
        const SourceProgress& source;
    };

    ProgressReporter(Sources sources, const Plan& plan, const time::Clock& clock,
                     std::chrono::steady_clock::time_point started, Observer& observer)
        : m_sources(sources), m_period(plan.progress_period), m_clock(clock), m_started(started),
          m_observer(observer) {
        if (m_period.count() > 0) {
            m_thread = std::thread([this] { loop(); });
        }
    }
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;
    ~ProgressReporter() {
        if (!m_thread.joinable()) {
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            m_is_done = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }

  private:
    void loop() {
        std::unique_lock lock(m_mutex);
        while (!m_wake.wait_for(lock, m_period, [this] { return m_is_done; })) {
            Progress progress;
            progress.read = m_sources.read.records.load(std::memory_order_relaxed);
            progress.bytes_read = m_sources.read.bytes.load(std::memory_order_relaxed);
            progress.log_size = m_sources.source.size;
            progress.delivered = m_sources.counters.delivered;
            progress.failed = m_sources.counters.failed;
            progress.retrying = m_sources.counters.retrying;
            progress.elapsed = m_clock.monotonic() - m_started;
            m_observer.on_progress(progress);
        }
    }

    Sources m_sources;
    std::chrono::milliseconds m_period;
    const time::Clock& m_clock;
    std::chrono::steady_clock::time_point m_started;
    Observer& m_observer;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_is_done = false;
    std::thread m_thread; ///< last: it starts at construction and uses the members above
};

} // namespace

Result<Summary> run(log::Source& source, const Plan& plan, const SourceProgress& progress,
                    const Environment& environment, Observer& observer) {
    auto outputs = open_outputs(plan, false, observer);
    if (!outputs) {
        return tl::unexpected(outputs.error());
    }
    RunState state;
    state.outputs = std::move(*outputs);
    Preparer preparer(source, plan, environment.clock, state.outputs.journal.get(), progress,
                      state.read);
    auto started = environment.clock.monotonic();
    Result<void> ran;
    {
        PrefetchQueue queue(preparer);
        ReplayDriver driver(plan, environment, observer, queue, state);
        ProgressReporter reporter({state.counters, state.read, progress}, plan, environment.clock,
                                  started, observer);
        ran = environment.transport.run_batch(plan.destination, driver, plan.batch);
    }
    Summary& summary = state.summary;
    summary.elapsed = environment.clock.monotonic() - started;
    summary.read = preparer.totals();
    summary.delivered = state.counters.delivered;
    summary.failed = state.counters.failed;
    summary.is_interrupted = environment.should_stop && environment.should_stop();
    if (!ran && summary.read.corrupt_line != 0) {
        summary.read_error = std::move(ran.error());
        return std::move(summary);
    }
    if (!ran) {
        return tl::unexpected(ran.error());
    }
    summary.source_warning = source.warning();
    return std::move(summary);
}

Result<DryRunTotals> dry_run(log::Source& source, const Plan& plan, const time::Clock& clock,
                             Observer& observer) {
    auto outputs = open_outputs(plan, true, observer);
    if (!outputs) {
        return tl::unexpected(outputs.error());
    }
    SourceProgress no_progress;
    ReadProgress read;
    Preparer preparer(source, plan, clock, outputs->journal.get(), no_progress, read);
    DryRunTotals totals;
    while (true) {
        auto selected = preparer.select();
        if (!selected) {
            return tl::unexpected(selected.error());
        }
        if (!*selected) {
            break;
        }
        ++totals.selected;
        auto request = request_for(**selected, plan, clock);
        if (!request && request.error().kind != ErrorKind::input) {
            return tl::unexpected(request.error()); // a secret that cannot sign
        }
        if (auto valid = request ? message::validate_request(*request) : Result<void>(); !valid) {
            request = tl::unexpected(valid.error()); // it cannot go on the wire as it is
        }
        observer.on_planned((*selected)->index, request);
    }
    totals.read = preparer.totals();
    totals.source_warning = source.warning();
    return totals;
}

} // namespace hooks::replay
