// SPDX-License-Identifier: MIT
#include "cli/replay_run.hpp"

#include "cli/body_view.hpp"
#include "cli/replay_prepare.hpp"
#include "cli/stop_signals.hpp"
#include "core/http/attempt_stats.hpp"
#include "core/log/writer.hpp"
#include "core/replay/journal.hpp"
#include "core/text/text.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace hooks::cli {
namespace {

/// Read by the progress line while the driver runs.
struct Counters {
    std::atomic<std::uint64_t> delivered = 0;
    std::atomic<std::uint64_t> failed = 0;
    std::atomic<std::uint64_t> retrying = 0; ///< exchanges whose last attempt failed
    std::atomic<std::uint64_t> position = 0; ///< bytes of the log read
};

/// What the summary reports of the sending side.
struct Totals {
    std::map<std::string, std::uint64_t> failures;
    http::LatencyStats latency;
};

/// Where the journal says the replay goes: the origin, and the path when --to names one (so
/// that "http://h:80" and "http://h" are the same destination).
std::string journal_destination(const ReplayPlan& plan) {
    return plan.destination.origin() +
           (plan.destination.has_path ? plan.destination.target : std::string());
}

/// A delivery's result as a line of JSON (keys in order, as nlohmann::json writes an object),
/// built by hand: one per delivery, and a JSON DOM costs more than the delivery.
std::string delivery_line(const Open& open, bool is_ok, int attempts, std::optional<int> status,
                          const std::string& why, const http::ClientResponse* last) {
    std::string line;
    line.reserve(256 + why.size() + open.record.message.target.size());
    line.append(R"({"attempts":)").append(std::to_string(attempts));
    line.append(R"(,"delivered":)").append(is_ok ? "true" : "false");
    line.append(R"(,"id":)");
    if (open.id.empty()) {
        line.append("null");
    } else {
        text::append_json_string_lossy(line, open.id);
    }
    line.append(R"(,"index":)").append(std::to_string(open.index));
    if (last != nullptr) {
        // Microseconds as milliseconds: at most three decimals, and ".0" for a whole number.
        auto micros = last->latency.count();
        line.append(R"(,"latency_ms":)").append(std::to_string(micros / 1000)).append(".");
        std::string fraction = std::to_string(1000 + micros % 1000).substr(1);
        while (fraction.size() > 1 && fraction.back() == '0') {
            fraction.pop_back();
        }
        line.append(fraction);
    }
    line.append(R"(,"method":)");
    text::append_json_string_lossy(line, open.record.message.method);
    line.append(R"(,"reason":)");
    text::append_json_string_lossy(line, why);
    line.append(R"(,"seq":)").append(std::to_string(open.record.seq));
    line.append(R"(,"status":)").append(status ? std::to_string(*status) : "null");
    line.append(R"(,"target":)");
    text::append_json_string_lossy(line, open.record.message.target);
    line.append(R"(,"type":"delivery","v":1})").append("\n");
    return line;
}

/// Feeds records to the batch engine and judges each attempt.
class ReplayDriver final : public http::BatchDriver {
  public:
    ReplayDriver(const ReplayPlan& plan, Context& context, Counters& counters, Totals& totals)
        : m_plan(plan), m_context(context), m_counters(counters), m_totals(totals) {}

    Result<void> open_outputs();
    const replay::Journal* journal() const { return m_journal.get(); }
    void pull_from(PrefetchQueue& queue) { m_queue = &queue; }

    Result<std::optional<http::BatchJob>> next() override;
    Result<std::optional<http::BatchRetry>> finished(std::uint64_t tag, int attempt,
                                                     const http::AttemptResult& result) override;
    Result<http::WireRequest> rebuild(std::uint64_t tag, int attempt) override;
    void recycle(http::WireRequest&& spent) override { m_queue->give_back(std::move(spent.bytes)); }
    bool should_stop() override { return StopSignals::is_stop_requested(); }

  private:
    /// Done with `found`: its record goes back to the reading thread.
    void close(std::unordered_map<std::uint64_t, Open>::iterator found) {
        m_queue->give_back(std::move(m_open.extract(found).mapped()));
    }

    Result<void> finish(const Open& open, bool is_ok, const http::AttemptResult* last, int attempts,
                        const std::string& why);

    const ReplayPlan& m_plan;
    Context& m_context;
    Counters& m_counters;
    Totals& m_totals;
    PrefetchQueue* m_queue = nullptr;
    std::unique_ptr<replay::Journal> m_journal;
    std::unique_ptr<log::Writer> m_failed;
    std::unordered_map<std::uint64_t, Open> m_open;
    bool m_has_started = false; ///< the first delivery has been handed out
};

Result<void> ReplayDriver::open_outputs() {
    // A dry run reads a journal that exists but does not start one.
    if (!m_plan.journal_path.empty() &&
        (!m_plan.is_dry_run || ::access(m_plan.journal_path.c_str(), F_OK) == 0)) {
        auto journal = replay::Journal::open(m_plan.journal_path, journal_destination(m_plan));
        if (!journal) {
            return tl::unexpected(journal.error());
        }
        m_journal = std::move(*journal);
        if (!m_journal->note().empty()) {
            m_context.err << "hooks: warning: " << m_journal->note() << '\n';
        }
        if (m_journal->loaded_acknowledged() + m_journal->loaded_failed() > 0) {
            m_context.err << "hooks: resuming from " << m_plan.journal_path << ": "
                          << m_journal->loaded_acknowledged() << " already acknowledged"
                          << (m_journal->loaded_failed() > 0
                                  ? ", " + std::to_string(m_journal->loaded_failed()) +
                                        " failed before (trying them again)"
                                  : std::string())
                          << '\n';
        }
    }
    if (!m_plan.failed_path.empty() && !m_plan.is_dry_run) {
        // This run's failures only: those of earlier runs are tried again.
        if (::truncate(m_plan.failed_path.c_str(), 0) != 0 && errno != ENOENT) {
            return fail(ErrorKind::input, "cannot truncate " + m_plan.failed_path + ": " +
                                              std::system_category().message(errno));
        }
        auto failed = log::Writer::open(m_plan.failed_path);
        if (!failed) {
            return tl::unexpected(failed.error());
        }
        m_failed = std::move(*failed);
    }
    return {};
}

Result<std::optional<http::BatchJob>> ReplayDriver::next() {
    while (true) {
        auto prepared = m_queue->pop();
        if (!prepared || !*prepared) {
            return prepared ? Result<std::optional<http::BatchJob>>(std::nullopt)
                            : tl::unexpected(prepared.error());
        }
        Prepared& item = **prepared;
        if (!item.request) {
            // A record that cannot go on the wire as it is: it fails, the others go on.
            if (auto done = finish(item.open, false, nullptr, 0, item.request.error().message);
                !done) {
                return tl::unexpected(done.error());
            }
            continue;
        }
        std::uint64_t tag = item.open.index;
        if (!m_has_started && !m_plan.is_json && !m_plan.is_quiet) {
            // Where deliveries go, before any does: a --to path replaces the recorded ones.
            const http::Url& to = m_plan.destination;
            m_context.err << "hooks: replaying to " << terminal_safe(to.origin())
                          << (to.has_path ? " (every delivery to " + terminal_safe(to.target) + ")"
                                          : " (recorded paths)")
                          << "; first: " << terminal_safe(item.open.record.message.method) << ' '
                          << terminal_safe(to.origin() + (to.has_path
                                                              ? to.target
                                                              : item.open.record.message.target))
                          << '\n';
        }
        m_has_started = true;
        m_open.emplace(tag, std::move(item.open));
        return std::optional<http::BatchJob>(http::BatchJob{tag, std::move(*item.request)});
    }
}

Result<std::optional<http::BatchRetry>> ReplayDriver::finished(std::uint64_t tag, int attempt,
                                                               const http::AttemptResult& result) {
    auto found = m_open.find(tag);
    if (found == m_open.end()) {
        return std::optional<http::BatchRetry>();
    }
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
    bool is_ok = decision.verdict == retry::Verdict::success;
    std::string why = result ? decision.reason : result.error().message + "; " + decision.reason;
    auto done = finish(found->second, is_ok, &result, attempt, why);
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
    return wire_request_for(found->second, m_plan);
}

Result<void> ReplayDriver::finish(const Open& open, bool is_ok, const http::AttemptResult* last,
                                  int attempts, const std::string& why) {
    std::optional<int> status;
    if (last != nullptr && *last) {
        status = (*last)->status;
    }
    if (m_journal) {
        // The delivery counts as done only once this line is in the journal.
        if (auto written = m_journal->record(open.index, open.hash, is_ok, status, attempts);
            !written) {
            return tl::unexpected(written.error());
        }
    }
    ++(is_ok ? m_counters.delivered : m_counters.failed);
    if (last != nullptr && *last) {
        m_totals.latency.add((*last)->latency);
    }
    if (!is_ok) {
        ++m_totals.failures[last != nullptr ? http::failure_cause(*last) : "invalid request"];
        if (m_failed) {
            log::Record copy = open.record;
            if (auto written = m_failed->append(copy); !written) {
                return tl::unexpected(written.error());
            }
        }
    }
    if (m_plan.is_json) {
        std::string line = delivery_line(open, is_ok, attempts, status, why,
                                         last != nullptr && *last ? &**last : nullptr);
        m_context.out.write(line.data(), static_cast<std::streamsize>(line.size()));
    } else if (!is_ok && !m_plan.is_quiet) {
        m_context.out << "failed: record " << open.index << " (seq " << open.record.seq << ") "
                      << terminal_safe(open.record.message.method) << ' '
                      << terminal_safe(open.record.message.target)
                      << (open.id.empty() ? "" : " id " + terminal_safe(open.id)) << ": "
                      << terminal_safe(why) << '\n';
    }
    return {};
}

/// The progress line: on a terminal redrawn every second, otherwise a line every 10 seconds.
class ProgressLine {
  public:
    ProgressLine(const Counters& counters, const SourceProgress& source, Context& context)
        : m_counters(counters), m_source(source), m_context(context),
          m_is_tty(context.is_stderr_tty), m_thread([this] { loop(); }) {}
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    ~ProgressLine() {
        {
            std::lock_guard lock(m_mutex);
            m_is_done = true;
        }
        m_wake.notify_one();
        m_thread.join();
        if (m_is_tty && m_has_drawn) {
            m_context.err << "\r\033[K" << std::flush;
        }
    }

  private:
    void loop();
    std::string line(double seconds) const;

    const Counters& m_counters;
    const SourceProgress& m_source;
    Context& m_context;
    bool m_is_tty;
    bool m_has_drawn = false;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_is_done = false;
    std::thread m_thread;
};

std::string ProgressLine::line(double seconds) const {
    std::uint64_t delivered = m_counters.delivered;
    std::uint64_t failed = m_counters.failed;
    double rate = seconds > 0 ? static_cast<double>(delivered + failed) / seconds : 0;
    char text[256];
    std::snprintf(text, sizeof text, "%llu delivered, %llu retrying, %llu failed, %.0f/s",
                  static_cast<unsigned long long>(delivered),
                  static_cast<unsigned long long>(m_counters.retrying.load()),
                  static_cast<unsigned long long>(failed), rate);
    std::string result = text;
    double fraction =
        m_source.size && *m_source.size > 0
            ? static_cast<double>(m_counters.position) / static_cast<double>(*m_source.size)
            : 0;
    if (fraction > 0 && fraction < 1) {
        double eta = seconds * (1 - fraction) / fraction;
        std::snprintf(text, sizeof text, ", %.0f%% of the log, ETA %.0f s", fraction * 100, eta);
        result += text;
    } else if (fraction >= 1) {
        result += ", the whole log read"; // what is left is on the wire or waiting for a retry
    }
    return result;
}

void ProgressLine::loop() {
    auto started = std::chrono::steady_clock::now();
    auto period = m_is_tty ? std::chrono::seconds(1) : std::chrono::seconds(10);
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, period, [this] { return m_is_done; })) {
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (m_is_tty) {
            m_context.err << "\r\033[Kreplay: " << line(seconds) << std::flush;
            m_has_drawn = true;
        } else {
            m_context.err << "hooks: replay: " << line(seconds) << '\n' << std::flush;
        }
    }
}

void print_summary(const ReplayPlan& plan, const ReadTotals& read, Totals& totals,
                   const Counters& counters, double seconds, Context& context) {
    std::uint64_t delivered = counters.delivered;
    std::uint64_t failed = counters.failed;
    double rate = seconds > 0 ? static_cast<double>(delivered + failed) / seconds : 0;
    if (plan.is_json) {
        nlohmann::json document = {{"v", 1},
                                   {"type", "summary"},
                                   {"to", plan.destination_text},
                                   {"records", read.read},
                                   {"filtered_out", read.filtered_out},
                                   {"acknowledged_before", read.acknowledged_before},
                                   {"delivered", delivered},
                                   {"failed", failed},
                                   {"failures", totals.failures},
                                   {"interrupted", StopSignals::is_stop_requested()},
                                   {"seconds", seconds},
                                   {"deliveries_per_second", rate},
                                   {"latency_ms", totals.latency.to_json()}};
        context.out << document.dump() << '\n';
        return;
    }
    char line[256];
    std::snprintf(line, sizeof line, "%llu delivered, %llu failed in %.2f s: %.0f deliveries/s\n",
                  static_cast<unsigned long long>(delivered),
                  static_cast<unsigned long long>(failed), seconds, rate);
    context.out << line << "records: " << read.read << " read, " << read.filtered_out
                << " filtered out, " << read.acknowledged_before
                << " acknowledged in an earlier run\n"
                << totals.latency.to_text() << '\n';
    for (const auto& [cause, number] : totals.failures) {
        context.out << "  failed: " << number << " x " << cause << '\n';
    }
}

/// One line (or JSON object) of the dry run's list.
void print_planned(std::uint64_t index, const Result<message::Message>& request,
                   const ReplayPlan& plan, Context& context) {
    if (!request) {
        context.out << (plan.is_json
                            ? nlohmann::json{{"v", 1},
                                             {"type", "planned"},
                                             {"index", index},
                                             {"error", request.error().message}}
                                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                            : "record " + std::to_string(index) +
                                  ": cannot be sent: " + terminal_safe(request.error().message))
                    << '\n';
        return;
    }
    if (plan.is_json) {
        nlohmann::json headers = nlohmann::json::array();
        for (const message::Header& header : request->headers) {
            headers.push_back({header.name, header.value});
        }
        context.out << nlohmann::json{{"v", 1},
                                      {"type", "planned"},
                                      {"index", index},
                                      {"method", request->method},
                                      {"target", request->target},
                                      {"headers", headers},
                                      {"body_len", request->body.size()}}
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                    << '\n';
        return;
    }
    context.out << "record " << index << ": " << terminal_safe(request->method) << ' '
                << terminal_safe(plan.destination_text.empty()
                                     ? request->target
                                     : plan.destination.origin() + request->target)
                << "  " << request->body.size() << " bytes\n";
}

Result<int> dry_run(log::Source& source, const ReplayPlan& plan, Context& context) {
    Counters counters;
    Totals totals;
    ReplayDriver driver(plan, context, counters, totals);
    if (auto opened = driver.open_outputs(); !opened) {
        return tl::unexpected(opened.error());
    }
    SourceProgress no_progress;
    Preparer preparer(source, plan, driver.journal(), no_progress, counters.position);
    std::uint64_t selected = 0;
    while (true) {
        auto open = preparer.select();
        if (!open) {
            return tl::unexpected(open.error());
        }
        if (!*open) {
            break;
        }
        ++selected;
        auto request = request_for(**open, plan);
        if (!request && request.error().kind != ErrorKind::input) {
            return tl::unexpected(request.error()); // a secret that cannot sign
        }
        if (auto valid = request ? message::validate_request(*request) : Result<void>(); !valid) {
            request = tl::unexpected(valid.error()); // it cannot go on the wire as it is
        }
        print_planned((*open)->index, request, plan, context);
    }
    if (!source.warning().empty()) {
        context.err << "hooks: warning: " << source.warning() << '\n';
    }
    const ReadTotals& read = preparer.totals();
    context.out << (plan.is_json ? ""
                                 : "dry run: " + std::to_string(selected) + " would be sent; " +
                                       std::to_string(read.read) + " read, " +
                                       std::to_string(read.filtered_out) + " filtered out, " +
                                       std::to_string(read.acknowledged_before) +
                                       " acknowledged in an earlier run\n");
    return 0;
}

/// Sends everything the reading thread prepares; the exit code.
Result<int> send_all(log::Source& source, const ReplayPlan& plan, const SourceProgress& progress,
                     Context& context) {
    Counters counters;
    Totals totals;
    ReplayDriver driver(plan, context, counters, totals);
    if (auto opened = driver.open_outputs(); !opened) {
        return tl::unexpected(opened.error());
    }
    Preparer preparer(source, plan, driver.journal(), progress, counters.position);
    StopSignals signals;
    auto started = std::chrono::steady_clock::now();
    Result<void> ran;
    {
        PrefetchQueue queue(preparer);
        driver.pull_from(queue);
        std::optional<ProgressLine> line;
        if (!plan.is_quiet) {
            line.emplace(counters, progress, context);
        }
        ran = http::run_batch(plan.destination, driver, plan.batch);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!ran && preparer.totals().corrupt_line != 0) {
        // What was sent before the corrupt line is reported, and where to go on from.
        print_summary(plan, preparer.totals(), totals, counters, seconds, context);
        std::uint64_t line = preparer.totals().corrupt_line;
        std::string advice =
            !plan.journal_path.empty()
                ? "mend or remove line " + std::to_string(line) +
                      " and run the same command: the journal skips what was acknowledged"
            : plan.log_path == "-"
                ? "the records before it were replayed (summary above); send the rest of the "
                  "stream after line " +
                      std::to_string(line) + " again"
                : "the records before it were replayed (summary above); go on after it with "
                  "'tail -n +" +
                      std::to_string(line + 1) + " " + plan.log_path +
                      " | hooks replay - ...' with the same options";
        return fail(ErrorKind::input, ran.error().message + "; " + advice);
    }
    if (!ran) {
        return tl::unexpected(ran.error());
    }
    if (!source.warning().empty()) {
        context.err << "hooks: warning: " << source.warning() << '\n';
    }
    print_summary(plan, preparer.totals(), totals, counters, seconds, context);
    if (StopSignals::is_stop_requested()) {
        return fail(ErrorKind::interrupted,
                    plan.journal_path.empty()
                        ? "interrupted; without --journal a rerun starts from the beginning"
                        : "interrupted; run the same command to resume from " + plan.journal_path);
    }
    if (counters.failed > 0) {
        return fail(ErrorKind::negative, std::to_string(counters.failed.load()) + " of " +
                                             std::to_string(counters.failed + counters.delivered) +
                                             " deliveries failed");
    }
    return 0;
}

} // namespace

Result<int> run_replay(log::Source& source, const ReplayPlan& plan, const SourceProgress& progress,
                       Context& context) {
    return plan.is_dry_run ? dry_run(source, plan, context)
                           : send_all(source, plan, progress, context);
}

} // namespace hooks::cli
