// SPDX-License-Identifier: MIT
#include "cli/replay_print.hpp"

#include "cli/body_view.hpp"
#include "core/text/text.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

/// Microseconds as milliseconds: at most three decimals, and ".0" for a whole number.
void append_millis(std::string& line, std::chrono::microseconds latency) {
    auto micros = latency.count();
    line.append(std::to_string(micros / 1000)).append(".");
    std::string fraction = std::to_string(1000 + micros % 1000).substr(1);
    while (fraction.size() > 1 && fraction.back() == '0') {
        fraction.pop_back();
    }
    line.append(fraction);
}

/// A delivery's result as a line of JSON (keys in order, as nlohmann::json writes an object),
/// built by hand: one per delivery, and a JSON DOM costs more than the delivery.
std::string delivery_line(const replay::SelectedRecord& selected, const replay::Outcome& outcome) {
    const message::Message& message = selected.record.message;
    std::string line;
    line.reserve(256 + outcome.reason.size() + message.target.size());
    line.append(R"({"attempts":)").append(std::to_string(outcome.attempts));
    line.append(R"(,"delivered":)").append(outcome.is_delivered ? "true" : "false");
    line.append(R"(,"id":)");
    if (selected.id.empty()) {
        line.append("null");
    } else {
        text::append_json_string_lossy(line, selected.id);
    }
    line.append(R"(,"index":)").append(std::to_string(selected.index));
    if (outcome.response != nullptr) {
        line.append(R"(,"latency_ms":)");
        append_millis(line, outcome.response->latency);
    }
    line.append(R"(,"method":)");
    text::append_json_string_lossy(line, message.method);
    line.append(R"(,"reason":)");
    text::append_json_string_lossy(line, outcome.reason);
    line.append(R"(,"seq":)").append(std::to_string(selected.record.seq));
    line.append(R"(,"status":)").append(outcome.status ? std::to_string(*outcome.status) : "null");
    line.append(R"(,"target":)");
    text::append_json_string_lossy(line, message.target);
    line.append(R"(,"type":"delivery","v":1})").append("\n");
    return line;
}

/// The progress line's text, without its prefix.
std::string progress_text(const replay::Progress& progress) {
    double seconds = progress.elapsed.count();
    double rate =
        seconds > 0 ? static_cast<double>(progress.delivered + progress.failed) / seconds : 0;
    char text[256];
    std::snprintf(text, sizeof text, "%llu delivered, %llu retrying, %llu failed, %.0f/s",
                  static_cast<unsigned long long>(progress.delivered),
                  static_cast<unsigned long long>(progress.retrying),
                  static_cast<unsigned long long>(progress.failed), rate);
    std::string result = text;
    double fraction =
        progress.log_size && *progress.log_size > 0
            ? static_cast<double>(progress.bytes_read) / static_cast<double>(*progress.log_size)
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

} // namespace

void ReplayPrinter::on_journal_opened(const replay::Journal& journal) {
    if (!journal.note().empty()) {
        m_context.err << "hooks: warning: " << journal.note() << '\n';
    }
    if (journal.loaded_acknowledged() + journal.loaded_failed() > 0) {
        m_context.err << "hooks: resuming from " << m_command.plan.journal_path << ": "
                      << journal.loaded_acknowledged() << " already acknowledged"
                      << (journal.loaded_failed() > 0
                              ? ", " + std::to_string(journal.loaded_failed()) +
                                    " failed before (trying them again)"
                              : std::string())
                      << '\n';
    }
}

void ReplayPrinter::on_first_delivery(const replay::SelectedRecord& first) {
    if (m_command.is_json || m_command.is_quiet) {
        return;
    }
    // Where deliveries go, before any does: a --to path replaces the recorded ones.
    const http::Url& to = m_command.plan.destination;
    m_context.err << "hooks: replaying to " << terminal_safe(to.origin())
                  << (to.has_path ? " (every delivery to " + terminal_safe(to.target) + ")"
                                  : " (recorded paths)")
                  << "; first: " << terminal_safe(first.record.message.method) << ' '
                  << terminal_safe(to.origin() +
                                   (to.has_path ? to.target : first.record.message.target))
                  << '\n';
}

void ReplayPrinter::on_finished(const replay::SelectedRecord& selected,
                                const replay::Outcome& outcome) {
    if (m_command.is_json) {
        std::string line = delivery_line(selected, outcome);
        m_context.out.write(line.data(), static_cast<std::streamsize>(line.size()));
    } else if (!outcome.is_delivered && !m_command.is_quiet) {
        m_context.out << "failed: record " << selected.index << " (seq " << selected.record.seq
                      << ") " << terminal_safe(selected.record.message.method) << ' '
                      << terminal_safe(selected.record.message.target)
                      << (selected.id.empty() ? "" : " id " + terminal_safe(selected.id)) << ": "
                      << terminal_safe(outcome.reason) << '\n';
    }
}

void ReplayPrinter::on_progress(const replay::Progress& progress) {
    // On a terminal redrawn every second, otherwise a line every 10 seconds (Plan's period).
    if (m_context.is_stderr_tty) {
        m_context.err << "\r\033[Kreplay: " << progress_text(progress) << std::flush;
        m_has_drawn = true;
    } else {
        m_context.err << "hooks: replay: " << progress_text(progress) << '\n' << std::flush;
    }
}

void ReplayPrinter::end_progress() {
    if (m_has_drawn) {
        m_context.err << "\r\033[K" << std::flush;
        m_has_drawn = false;
    }
}

void ReplayPrinter::print_summary(replay::Summary& summary) {
    double seconds = summary.elapsed.count();
    double rate =
        seconds > 0 ? static_cast<double>(summary.delivered + summary.failed) / seconds : 0;
    const replay::ReadTotals& read = summary.read;
    if (m_command.is_json) {
        nlohmann::json document = {{"v", 1},
                                   {"type", "summary"},
                                   {"to", m_command.destination_text},
                                   {"records", read.read},
                                   {"filtered_out", read.filtered_out},
                                   {"acknowledged_before", read.acknowledged_before},
                                   {"delivered", summary.delivered},
                                   {"failed", summary.failed},
                                   {"failures", summary.failures},
                                   {"interrupted", summary.is_interrupted},
                                   {"seconds", seconds},
                                   {"deliveries_per_second", rate},
                                   {"latency_ms", summary.latency.to_json()}};
        m_context.out << document.dump() << '\n';
        return;
    }
    char line[256];
    std::snprintf(line, sizeof line, "%llu delivered, %llu failed in %.2f s: %.0f deliveries/s\n",
                  static_cast<unsigned long long>(summary.delivered),
                  static_cast<unsigned long long>(summary.failed), seconds, rate);
    m_context.out << line << "records: " << read.read << " read, " << read.filtered_out
                  << " filtered out, " << read.acknowledged_before
                  << " acknowledged in an earlier run\n"
                  << summary.latency.to_text() << '\n';
    for (const auto& [cause, number] : summary.failures) {
        m_context.out << "  failed: " << number << " x " << cause << '\n';
    }
}

void ReplayPrinter::on_planned(std::uint64_t index, const Result<message::Message>& request) {
    bool is_json = m_command.is_json;
    Context& context = m_context;
    if (!request) {
        context.out << (is_json
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
    if (is_json) {
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
                << terminal_safe(m_command.destination_text.empty()
                                     ? request->target
                                     : m_command.plan.destination.origin() + request->target)
                << "  " << request->body.size() << " bytes\n";
}

void ReplayPrinter::print_dry_run(const replay::DryRunTotals& totals) {
    if (!totals.source_warning.empty()) {
        m_context.err << "hooks: warning: " << totals.source_warning << '\n';
    }
    const replay::ReadTotals& read = totals.read;
    m_context.out << (m_command.is_json
                          ? ""
                          : "dry run: " + std::to_string(totals.selected) + " would be sent; " +
                                std::to_string(read.read) + " read, " +
                                std::to_string(read.filtered_out) + " filtered out, " +
                                std::to_string(read.acknowledged_before) +
                                " acknowledged in an earlier run\n");
}

} // namespace hooks::cli
