// SPDX-License-Identifier: MIT
// hooks_fastpaths_bench: each hand-written fast path kept for speed, timed against the library
// path it replaces on the same inputs (webhook bodies from the event catalog, the log lines
// log::to_json_line writes for them, ASCII and non-ASCII text). Before timing anything it checks
// that both paths give the same answer on every input, and refuses to report when they differ.
//
// usage: hooks_fastpaths_bench [--rounds N] [--round-ms MS] [--only TEXT|TEXT...]
//                              [--tsv [--input TEXT] [--fast-only]]
// Each measurement is the median over N rounds (default 21) of the time per operation in a
// round of at least MS milliseconds (default 20); the fast and library paths alternate round by
// round, so that a noisy neighbour slows both. Times are taken by steady_clock, and in CPU time
// as a cross-check on a busy machine. --only keeps the comparisons whose title holds one of the
// texts; --tsv prints one tab-separated row per input instead of the tables, for the inputs
// whose name holds --input, timing only the fast path with --fast-only (for bench/fastpaths,
// which compares this program with hooks_fastpaths_bench_portable, the same built over text.cpp
// without SSE2). Exit status: 0 once the figures are printed, 1 when the paths disagree, 2 on
// bad arguments.
#include "core/events/catalog.hpp"
#include "core/events/delivery.hpp"
#include "core/inspect/views.hpp"
#include "core/log/record.hpp"
#include "core/log/record_parse.hpp"
#include "core/text/text.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hooks {
namespace {

using Json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Inputs

/// One timed input: a name, the bytes and, for the delivery comparisons, the request around it.
struct Input {
    std::string name;
    std::string provider;
    message::Message message;
};

/// A JSON string literal of `text`, for a --set value.
std::string json_string_literal(std::string_view text) {
    return Json(std::string(text)).dump();
}

events::UnsignedRequest build(events::BuildInput input) {
    input.id = input.provider == "github" ? "8e5b2c1e-3f4a-11ef-9a4f-6d1c2b3a4e5f"
                                          : "evt_1PqR8tLkdIwHu7ixBenchmark";
    input.timestamp = providers::UnixMillis(1796473137000);
    auto built = events::build_delivery(input);
    if (!built) {
        throw std::runtime_error("cannot build a sample: " + built.error().message);
    }
    return *built;
}

/// The provider's sample for `event` with `sets` applied and `pad_pointer` set to a string that
/// brings the body to `size` bytes (ASCII filler; 0: no padding).
Input sample(const std::string& name, const std::string& provider, const std::string& event,
             std::vector<std::pair<std::string, std::string>> sets, const std::string& pad_pointer,
             std::size_t size) {
    events::BuildInput input{provider, event, std::nullopt, std::move(sets), {}, {}, {}};
    if (size > 0) {
        input.sets.emplace_back(pad_pointer, json_string_literal(""));
        std::size_t bare = build(input).body.size();
        std::string filler;
        for (std::size_t i = 0; filler.size() + bare < size; ++i) {
            filler += "Invoice line " + std::to_string(i) + ", net 30 days; ";
        }
        filler.resize(size > bare ? size - bare : 0);
        input.sets.back().second = json_string_literal(filler);
    }
    events::UnsignedRequest built = build(input);
    Input out{name, provider, {}};
    out.message.method = built.method;
    out.message.target = "/webhooks/" + provider;
    out.message.headers = {{"Host", "hooks.example.com"}, {"Content-Type", built.content_type}};
    out.message.headers.insert(out.message.headers.end(), built.headers.begin(),
                               built.headers.end());
    out.message.headers.push_back({"Content-Length", std::to_string(built.body.size())});
    out.message.body = std::move(built.body);
    return out;
}

/// Twenty Stripe invoice line items, about 7.6 KB of nested objects, numbers and strings.
std::string stripe_lines() {
    Json lines = Json::array();
    for (int i = 0; i < 20; ++i) {
        std::string id = "il_1PqR8sLkdIwHu7ix" + std::to_string(1000 + i);
        lines.push_back({{"id", id},
                         {"object", "line_item"},
                         {"amount", 1000 + i * 25},
                         {"currency", "usd"},
                         {"description", "1 x Team plan seat (at $10.00 / month)"},
                         {"discountable", true},
                         {"livemode", false},
                         {"metadata", {{"seat", std::to_string(i)}, {"region", "eu-west-1"}}},
                         {"period", {{"end", 1799151537}, {"start", 1796473137}}},
                         {"plan", {{"id", "price_1PqR7zLkdIwHu7ix"}, {"interval", "month"}}},
                         {"proration", false},
                         {"quantity", 1},
                         {"type", "subscription"}});
    }
    return Json{{"object", "list"}, {"data", lines}, {"has_more", false}}.dump();
}

/// Text in several scripts with the escapes a pull request body has (newlines, quotes, a tab):
/// four fifths of its bytes are not ASCII.
std::string prose(std::size_t size) {
    static constexpr std::string_view k_paragraph =
        "## Résumé — ce que change cette PR\n"
        "Корректная обработка \"webhook-id\" для повторов.\t日本語の説明：再送時の署名を検証する。"
        "中文：重放请求时保留原始字节。 Ελληνικά: έλεγχος υπογραφής. 🚀✅\n";
    std::string text;
    while (text.size() < size) {
        text += k_paragraph;
    }
    while (text.size() > size) {
        text.pop_back();
    }
    while (!text::is_valid_utf8(text)) {
        text.pop_back(); // no sequence cut in half at the end
    }
    return text;
}

std::vector<Input> make_bodies() {
    std::vector<Input> bodies;
    bodies.push_back(
        sample("stripe 1 KB", "stripe", "invoice.paid", {}, "/data/object/footer", 1024));
    bodies.push_back(sample("stripe 16 KB", "stripe", "invoice.paid",
                            {{"/data/object/lines", stripe_lines()}}, "/data/object/footer",
                            16384));
    bodies.push_back(sample("github 2 KB", "github", "pull_request.opened", {}, "", 0));
    bodies.push_back(sample("github 16 KB, non-ASCII", "github", "pull_request.opened",
                            {{"/pull_request/body", json_string_literal(prose(14000))}}, "", 0));
    return bodies;
}

/// Texts to escape and check: the bodies, and prose that is mostly not ASCII.
std::vector<Input> make_texts(const std::vector<Input>& bodies) {
    std::vector<Input> texts = bodies;
    Input cjk{"prose 16 KB, non-ASCII", "", {}};
    cjk.message.body = prose(16384);
    texts.push_back(cjk);
    return texts;
}

/// Texts that are checked for agreement but not timed: ill-formed UTF-8 in several places, and
/// every byte that must be escaped.
std::vector<std::string> make_edge_texts(const std::vector<Input>& texts) {
    std::vector<std::string> edges;
    std::string controls;
    for (int byte = 0; byte < 0x20; ++byte) {
        controls += static_cast<char>(byte);
    }
    edges.push_back(controls + "\"\\\x7f");
    for (const Input& text : texts) {
        const std::string& body = text.message.body;
        edges.push_back(body + "\xc3");                                           // cut short
        edges.push_back(body.substr(0, body.size() / 2) + "\xed\xa0\x80" + body); // surrogate
        edges.push_back("\xc0\xaf" + body);                                       // overlong
        edges.push_back(body.substr(0, 100) + "\xff" + body.substr(100));
    }
    return edges;
}

/// A record as `listen --log` keeps it for `input`.
log::Record make_record(const Input& input) {
    log::Record record;
    record.seq = 41;
    record.id = std::string(
        input.message.first_header("X-GitHub-Delivery").value_or("evt_1PqR8tLkdIwHu7ix"));
    record.received_at =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(1796473137123));
    record.remote = "203.0.113.7:54321";
    record.message = input.message;
    record.message.headers.push_back(
        {"X-Hub-Signature-256",
         "sha256=0e7ede4cab56f671ec848da75d7bc701f43838876e583a175a0ee597e51bb6fd"});
    record.verify = log::VerifyOutcome{input.provider, true, ""};
    record.response_status = 204;
    return record;
}

std::vector<Input> make_log_lines(const std::vector<Input>& bodies) {
    std::vector<Input> lines;
    for (const Input& body : bodies) {
        lines.push_back({body.name, "", {}});
        lines.back().message.body = log::to_json_line(make_record(body));
        lines.back().message.body.pop_back(); // the '\n'
    }
    // A body that is not UTF-8 is kept as body_b64.
    Input binary{"binary 1 KB (body_b64)", "stripe", bodies.front().message};
    binary.message.body.clear();
    for (std::uint32_t i = 0; binary.message.body.size() < 1024; ++i) {
        binary.message.body += static_cast<char>((i * 2654435761U) >> 24U);
    }
    lines.push_back({binary.name, "", {}});
    lines.back().message.body = log::to_json_line(make_record(binary));
    lines.back().message.body.pop_back();
    return lines;
}

// ---------------------------------------------------------------------------------------------
// The library paths

/// The value describe_delivery reads from a parsed body: a non-blank string, or for ids also an
/// integer's digits.
std::optional<std::string> scalar_text(const Json& body, const char* name, bool allows_integers) {
    auto found = body.find(name);
    if (found == body.end()) {
        return std::nullopt;
    }
    if (found->is_string()) {
        auto value = found->get<std::string>();
        return text::trim_blanks(value).empty() ? std::nullopt : std::optional(value);
    }
    if (allows_integers && (found->is_number_integer())) {
        return found->dump();
    }
    return std::nullopt;
}

std::optional<std::string> header_text(const message::Message& message, std::string_view name) {
    auto value = message.first_header(name);
    if (!value || text::trim_blanks(*value).empty()) {
        return std::nullopt;
    }
    return std::string(text::trim_blanks(*value));
}

/// GitHub events without a top-level action, as describe_delivery lists them.
bool has_no_github_action(std::string_view event) {
    constexpr std::array<std::string_view, 9> k_events{
        "create", "delete", "fork", "gollum", "page_build", "ping", "public", "push", "status"};
    return std::find(k_events.begin(), k_events.end(), event) != k_events.end();
}

/// describe_delivery's rules for stripe (id and type from the body) and github (headers, and
/// the body's action) with nlohmann::json::parse and a lookup, as a DOM-based reader does it.
events::DeliveryFacts library_describe(std::string_view provider, const message::Message& message) {
    events::DeliveryFacts facts;
    if (provider == "stripe") {
        Json body = Json::parse(message.body, nullptr, false);
        facts.id = scalar_text(body, "id", true);
        facts.event_type = scalar_text(body, "type", false);
        return facts;
    }
    facts.id = header_text(message, "X-GitHub-Delivery");
    facts.event_type = header_text(message, "X-GitHub-Event");
    if (facts.event_type && !has_no_github_action(*facts.event_type)) {
        Json body = Json::parse(message.body, nullptr, false);
        if (auto action = scalar_text(body, "action", false)) {
            *facts.event_type += "." + *action;
        }
    }
    return facts;
}

/// The JSON string nlohmann::json writes for `text`, or nothing when it is not UTF-8 (dump
/// throws then).
std::optional<std::string> library_escape(std::string_view text) {
    try {
        return Json(std::string(text)).dump();
    } catch (const Json::type_error&) {
        return std::nullopt;
    }
}

std::optional<std::string> fast_escape(std::string_view text) {
    std::string out;
    if (!text::append_json_string(out, text)) {
        return std::nullopt;
    }
    return out;
}

/// text::utf8_sequence_length, copied so that the loops below can inline it as text.cpp's
/// is_valid_utf8 can.
inline std::size_t sequence_length(std::string_view text) {
    auto byte = [text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    if (text.empty() || byte(0) < 0x80) {
        return text.empty() ? 0 : 1;
    }
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : low;
        high = lead == 0xed ? 0x9f : high;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : low;
        high = lead == 0xf4 ? 0x8f : high;
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if ((byte(i) & 0xc0) != 0x80) {
            return 0;
        }
    }
    return length;
}

// The loops below stand for code that would be out of line in hooks_core, as the fast paths
// they are timed against are: noinline, so that neither side gains from being inlined into the
// timing loop.

/// UTF-8 checked a byte (or a sequence) at a time, with the same rules.
[[gnu::noinline]] bool utf8_bytewise(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = sequence_length(text.substr(i));
        if (length == 0) {
            return false;
        }
        i += length;
    }
    return true;
}

/// text::is_valid_utf8 without its SSE2 blocks: eight bytes at a time through ASCII, as on a
/// target without SSE2.
[[gnu::noinline]] bool utf8_words(std::string_view text) {
    constexpr std::uint64_t k_high_bits = 0x8080808080808080ULL;
    std::size_t i = 0;
    while (i < text.size()) {
        std::uint64_t word = 0;
        if (text.size() - i >= sizeof word) {
            std::memcpy(&word, text.data() + i, sizeof word);
            if ((word & k_high_bits) == 0) {
                i += sizeof word;
                continue;
            }
        }
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = sequence_length(text.substr(i));
        if (length == 0) {
            return false;
        }
        i += length;
    }
    return true;
}

/// text.cpp's plain_prefix as built for a target without SSE2: eight bytes at a time by the
/// zero-byte test, then a byte at a time.
template <bool stops_at_non_ascii>
[[gnu::noinline]] std::size_t plain_prefix_words(std::string_view text) {
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_high_bits = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; text.size() - i >= sizeof(std::uint64_t); i += sizeof(std::uint64_t)) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + i, sizeof word);
        std::uint64_t quote = word ^ (k_ones * '"');
        std::uint64_t backslash = word ^ (k_ones * '\\');
        std::uint64_t control = (word - k_ones * 0x20) & ~word;
        std::uint64_t zero_quote = (quote - k_ones) & ~quote;
        std::uint64_t zero_backslash = (backslash - k_ones) & ~backslash;
        std::uint64_t stops = control | zero_quote | zero_backslash;
        if (((stops_at_non_ascii ? stops | word : stops) & k_high_bits) != 0) {
            break;
        }
    }
    for (; i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == '"' || byte == '\\' || (stops_at_non_ascii && byte >= 0x80)) {
            break;
        }
    }
    return i;
}

/// Walks `text` run by run as the scanner and the writer do: the sum of the offsets of the bytes
/// a plain-run scan stops at (so that a wrong stop changes the answer). Past a stop it steps one
/// byte, or with `skips_sequences` a whole UTF-8 sequence, as append_json_string does.
template <typename Prefix>
std::uint64_t walk_runs(std::string_view text, Prefix prefix, bool skips_sequences) {
    std::uint64_t sum = 0;
    for (std::size_t at = prefix(text); at < text.size(); at += prefix(text.substr(at))) {
        sum += at + 1;
        std::size_t step = skips_sequences ? text::utf8_sequence_length(text.substr(at)) : 1;
        at += std::max<std::size_t>(step, 1);
    }
    return sum;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// `text` read back through a volatile pointer, so that the compiler cannot hoist work on the
/// same input out of the timing loop.
std::string_view opaque(std::string_view text) {
    static const char* volatile s_data = nullptr;
    s_data = text.data();
    return {s_data, text.size()};
}

/// Runs one path `iterations` times; returns a value that depends on every result.
using Runner = std::function<std::uint64_t(std::size_t iterations)>;

struct Case {
    std::string input;
    std::size_t bytes = 0;
    Runner fast;
    Runner library;
};

/// A comparison: what each path is, the timed cases and whether the paths agreed on everything.
struct Group {
    Group(std::string heading, std::string fast_label, std::string library_label)
        : title(std::move(heading)), fast_name(std::move(fast_label)),
          library_name(std::move(library_label)) {}

    std::string title;
    std::string fast_name;
    std::string library_name;
    std::vector<Case> cases;
    std::vector<std::string> disagreements;
};

/// The argument a path is called with: text through opaque(), anything else as it is.
std::string_view pass(const std::string& text) {
    return opaque(text);
}

const message::Message& pass(const message::Message& message) {
    return message;
}

std::size_t size_of(const std::string& text) {
    return text.size();
}

std::size_t size_of(const message::Message& message) {
    return message.body.size();
}

const inspect::Entry& pass(const inspect::Entry& entry) {
    return entry;
}

std::size_t size_of(const inspect::Entry& entry) {
    return entry.record.message.body.size();
}

/// Records in `group` whether `fast` and `library` give the same answer for `argument`.
template <typename Argument, typename Fast, typename Library>
void check(Group& group, const std::string& name, const Argument& argument, Fast fast,
           Library library) {
    if (!(fast(pass(argument)) == library(pass(argument)))) {
        group.disagreements.push_back(group.title + ": " + name);
    }
}

/// Adds a case timing `fast` and `library` on `argument` (a text or a message, whose body's
/// size is reported), after checking that they agree; `digest` reduces a result to a number.
template <typename Argument, typename Fast, typename Library, typename Digest>
void add_case(Group& group, const std::string& name, const Argument& argument, Fast fast,
              Library library, Digest digest) {
    check(group, name, argument, fast, library);
    auto runner = [argument, digest](auto path) -> Runner {
        return [argument, digest, path](std::size_t iterations) {
            std::uint64_t sum = 0;
            for (std::size_t i = 0; i < iterations; ++i) {
                sum += digest(path(pass(argument)));
            }
            return sum;
        };
    };
    group.cases.push_back(Case{name, size_of(argument), runner(fast), runner(library)});
}

/// Nanoseconds per operation over one round of calls: by the wall clock (steady_clock), and in
/// CPU time (std::clock, the process's: it has one thread), which a busy machine disturbs less
/// because time spent waiting for a CPU is not counted.
struct RoundTime {
    double wall_ns = 0;
    double cpu_ns = 0;
};

RoundTime time_round(const Runner& run, std::size_t iterations) {
    static volatile std::uint64_t s_sink = 0;
    std::clock_t cpu_start = std::clock();
    auto start = std::chrono::steady_clock::now();
    s_sink = s_sink + run(iterations);
    std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
    double cpu_elapsed_ns = static_cast<double>(std::clock() - cpu_start) * 1e9 / CLOCKS_PER_SEC;
    auto count = static_cast<double>(iterations);
    return {elapsed.count() / count, cpu_elapsed_ns / count};
}

/// How many calls make a round of at least `round_ms`, by doubling.
std::size_t calibrate(const Runner& run, double round_ms) {
    std::size_t iterations = 1;
    while (time_round(run, iterations).wall_ns * static_cast<double>(iterations) <
               round_ms * 1e6 / 4 &&
           iterations < (std::size_t{1} << 40U)) {
        iterations *= 2;
    }
    return iterations * 4;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

struct Options {
    int rounds = 21;
    double round_ms = 20;
    std::string only;
    bool is_tsv = false;
    std::string input;         ///< only the inputs whose name holds this
    bool is_fast_only = false; ///< the library path is not timed (its times print as 0)
};

/// The medians over the rounds of one path.
struct Medians {
    double wall_ns = 0;
    double cpu_ns = 0;
};

/// Times both paths of `c`, alternating round by round.
std::pair<Medians, Medians> measure(const Case& c, const Options& options) {
    std::size_t fast_iterations = calibrate(c.fast, options.round_ms);
    std::size_t library_iterations =
        options.is_fast_only ? 0 : calibrate(c.library, options.round_ms);
    std::array<std::vector<double>, 4> samples; // fast wall, fast CPU, library wall, library CPU
    for (int round = 0; round < options.rounds; ++round) {
        RoundTime fast = time_round(c.fast, fast_iterations);
        RoundTime library =
            options.is_fast_only ? RoundTime{} : time_round(c.library, library_iterations);
        samples[0].push_back(fast.wall_ns);
        samples[1].push_back(fast.cpu_ns);
        samples[2].push_back(library.wall_ns);
        samples[3].push_back(library.cpu_ns);
    }
    return {{median(samples[0]), median(samples[1])}, {median(samples[2]), median(samples[3])}};
}

/// Measures `c`, prints its row and returns the speed-up by the wall clock. With `--tsv` the row
/// is: title, input, bytes, then ns/op fast by the wall clock and in CPU time, the same for the
/// library path, tab-separated.
double report(const std::string& title, const Case& c, const Options& options) {
    auto [fast, library] = measure(c, options);
    if (options.is_tsv) {
        std::printf("%s\t%s\t%zu\t%.1f\t%.1f\t%.1f\t%.1f\n", title.c_str(), c.input.c_str(),
                    c.bytes, fast.wall_ns, fast.cpu_ns, library.wall_ns, library.cpu_ns);
    } else {
        auto megabytes_per_second = [&c](double ns) {
            return static_cast<double>(c.bytes) / ns * 1e3;
        };
        std::printf("  %-24s %6zu  %10.1f %7.0f  %10.1f %7.0f  %7.2fx  %6.2fx\n", c.input.c_str(),
                    c.bytes, fast.wall_ns, megabytes_per_second(fast.wall_ns), library.wall_ns,
                    megabytes_per_second(library.wall_ns), library.wall_ns / fast.wall_ns,
                    library.cpu_ns / fast.cpu_ns);
    }
    std::fflush(stdout);
    return library.wall_ns / fast.wall_ns;
}

// ---------------------------------------------------------------------------------------------
// The comparisons

/// DeliveryFacts as a comparable value.
std::pair<std::optional<std::string>, std::optional<std::string>>
facts_of(const events::DeliveryFacts& facts) {
    return {facts.id, facts.event_type};
}

Group delivery_facts_group(const std::vector<Input>& bodies) {
    Group group("delivery id and event type (events::describe_delivery)", "JsonScanner",
                "nlohmann::json::parse + lookup");
    for (const Input& body : bodies) {
        auto fast = [provider = body.provider](const message::Message& message) {
            return facts_of(events::describe_delivery(provider, message));
        };
        auto library = [provider = body.provider](const message::Message& message) {
            return facts_of(library_describe(provider, message));
        };
        auto facts = fast(body.message);
        if (!facts.first || !facts.second) {
            group.disagreements.push_back(group.title + ": " + body.name + ": nothing found");
        }
        add_case(group, body.name, body.message, fast, library, [](const auto& value) {
            return value.first.value_or("").size() + value.second.value_or("").size();
        });
    }
    return group;
}

Group log_line_group(const std::vector<Input>& lines) {
    Group group("a log line read back (log::parse_json_line)", "parse_json_line_fast",
                "parse_json_line_slow (nlohmann)");
    for (const Input& line : lines) {
        auto fast = [](std::string_view text) { return log::detail::parse_json_line_fast(text); };
        auto library = [](std::string_view text) {
            auto record = log::detail::parse_json_line_slow(text);
            return record ? std::optional(std::move(*record)) : std::nullopt;
        };
        // A declined line would time the fast path's refusal, not its reading.
        if (!fast(line.message.body)) {
            group.disagreements.push_back(group.title + ": " + line.name + ": fast path declined");
        }
        add_case(group, line.name, line.message.body, fast, library,
                 [](const std::optional<log::Record>& record) {
                     return record ? record->message.body.size() + record->seq : 0;
                 });
    }
    return group;
}

Group inspector_summary_group(const std::vector<Input>& bodies) {
    Group group("a delivery's summary for the inspector's list and stream (inspect::summary_row)",
                "hand-written with text::append_json_string_lossy",
                "nlohmann::json object, array + dump");
    for (const Input& body : bodies) {
        inspect::Entry entry;
        entry.seq = 1041;
        entry.record = make_record(body);
        entry.provider = body.provider;
        entry.event_type = events::describe_delivery(body.provider, body.message).event_type;
        entry.record.verify->reason = "signature in X-Hub-Signature-256 matches --secret #1";
        auto fast = [](const inspect::Entry& e) { return inspect::summary_row(e); };
        auto library = [](const inspect::Entry& e) {
            return inspect::detail::summary_row_library(e);
        };
        add_case(group, body.name, entry, fast, library,
                 [](const std::string& out) { return out.size(); });
    }
    return group;
}

/// A group over texts whose paths take a std::string_view, checked on the edge texts as well.
template <typename Fast, typename Library, typename Digest>
Group text_group(Group group, const std::vector<Input>& texts,
                 const std::vector<std::string>& edges, Fast fast, Library library, Digest digest) {
    for (const Input& text : texts) {
        add_case(group, text.name, text.message.body, fast, library, digest);
    }
    for (std::size_t i = 0; i < edges.size(); ++i) {
        check(group, "edge text " + std::to_string(i), edges[i], fast, library);
    }
    return group;
}

std::vector<Group> make_groups() {
    std::vector<Input> bodies = make_bodies();
    std::vector<Input> texts = make_texts(bodies);
    std::vector<std::string> edges = make_edge_texts(texts);
    std::vector<Group> groups;
    groups.push_back(delivery_facts_group(bodies));
    groups.push_back(log_line_group(make_log_lines(bodies)));
    groups.push_back(inspector_summary_group(bodies));
    auto size = [](const std::optional<std::string>& out) { return out ? out->size() : 0; };
    groups.push_back(text_group(Group("a text written as a JSON string (log body_text, --json)",
                                      "text::append_json_string", "nlohmann::json(text).dump()"),
                                texts, edges, fast_escape, library_escape, size));
    auto as_number = [](auto value) { return static_cast<std::uint64_t>(value); };
    groups.push_back(
        text_group(Group("UTF-8 check", "text::is_valid_utf8 (SSE2)", "a sequence at a time"),
                   texts, edges, text::is_valid_utf8, utf8_bytewise, as_number));
    groups.push_back(text_group(Group("UTF-8 check, SSE2's share", "text::is_valid_utf8 (SSE2)",
                                      "eight bytes at a time (no SSE2)"),
                                texts, edges, text::is_valid_utf8, utf8_words, as_number));
    auto runs = [](auto prefix, bool skips_sequences) {
        return [prefix, skips_sequences](std::string_view text) {
            return walk_runs(text, prefix, skips_sequences);
        };
    };
    groups.push_back(
        text_group(Group("plain runs of JSON string bytes (JsonScanner strings)",
                         "text::json_plain_prefix (SSE2)", "eight bytes at a time (no SSE2)"),
                   texts, edges, runs(text::json_plain_prefix, false),
                   runs(plain_prefix_words<false>, false), as_number));
    groups.push_back(
        text_group(Group("plain ASCII runs (the JSON string writer)",
                         "text::json_plain_ascii_prefix (SSE2)", "eight bytes at a time (no SSE2)"),
                   texts, edges, runs(text::json_plain_ascii_prefix, true),
                   runs(plain_prefix_words<true>, true), as_number));
    return groups;
}

/// Measures and prints every case of `group`, then the range of its speed-ups.
void report_group(const Group& group, const Options& options) {
    if (options.is_tsv) {
        for (const Case& c : group.cases) {
            if (c.input.find(options.input) != std::string::npos) {
                report(group.title, c, options);
            }
        }
        return;
    }
    std::printf("\n%s\n  fast: %s; library: %s\n", group.title.c_str(), group.fast_name.c_str(),
                group.library_name.c_str());
    std::printf("  %-24s %6s  %10s %7s  %10s %7s  %8s  %7s\n", "input", "bytes", "fast ns/op",
                "MB/s", "lib ns/op", "MB/s", "speed-up", "by CPU");
    double lowest = std::numeric_limits<double>::infinity();
    double highest = 0;
    for (const Case& c : group.cases) {
        double speed_up = report(group.title, c, options);
        lowest = std::min(lowest, speed_up);
        highest = std::max(highest, speed_up);
    }
    std::printf("  speed-up from %.2fx to %.2fx\n", lowest, highest);
}

/// Whether `title` holds one of the '|'-separated texts of `only` (the empty text: any title).
bool is_chosen(std::string_view title, std::string_view only) {
    while (true) {
        std::string_view choice = only.substr(0, only.find('|'));
        if (title.find(choice) != std::string_view::npos) {
            return true;
        }
        if (choice.size() == only.size()) {
            return false;
        }
        only.remove_prefix(choice.size() + 1);
    }
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    std::vector<std::string_view> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--tsv" || args[i] == "--fast-only") {
            (args[i] == "--tsv" ? options.is_tsv : options.is_fast_only) = true;
            continue;
        }
        if (i + 1 == args.size()) {
            return std::nullopt;
        }
        std::string value(args[++i]);
        if (args[i - 1] == "--rounds") {
            options.rounds = std::stoi(value);
        } else if (args[i - 1] == "--round-ms") {
            options.round_ms = std::stod(value);
        } else if (args[i - 1] == "--only") {
            options.only = value;
        } else if (args[i - 1] == "--input") {
            options.input = value;
        } else {
            return std::nullopt;
        }
    }
    if (options.rounds < 1 || options.round_ms <= 0 || (options.is_fast_only && !options.is_tsv)) {
        return std::nullopt;
    }
    return options;
}

int run(int argc, char** argv) {
    std::optional<Options> options;
    try {
        options = parse_options(argc, argv);
    } catch (const std::exception&) {
        options.reset();
    }
    if (!options) {
        std::fprintf(stderr, "usage: hooks_fastpaths_bench [--rounds N] [--round-ms MS] "
                             "[--only TEXT|TEXT...] [--tsv [--input TEXT] [--fast-only]]\n");
        return 2;
    }
    std::vector<Group> groups = make_groups();
    bool agrees = true;
    for (const Group& group : groups) {
        for (const std::string& disagreement : group.disagreements) {
            std::fprintf(stderr, "hooks_fastpaths_bench: the paths disagree: %s\n",
                         disagreement.c_str());
            agrees = false;
        }
    }
    if (!agrees) {
        std::fprintf(stderr, "hooks_fastpaths_bench: no figures: a fast path must give the "
                             "library path's answer\n");
        return 1;
    }
    if (!options->is_tsv) {
#if defined(HOOKS_BENCH_PORTABLE_TEXT)
        std::printf("text.cpp built without SSE2 (its portable branches): \"SSE2\" below is not\n");
#endif
        std::printf("median of %d rounds of at least %.0f ms per path; MB/s = 10^6 bytes of input "
                    "per second;\nspeed-up = library / fast by the wall clock (steady_clock), "
                    "by CPU = the same in CPU time\n",
                    options->rounds, options->round_ms);
    }
    for (const Group& group : groups) {
        if (!is_chosen(group.title, options->only)) {
            continue;
        }
        report_group(group, *options);
    }
    return 0;
}

} // namespace
} // namespace hooks

int main(int argc, char** argv) {
    return hooks::run(argc, argv);
}
