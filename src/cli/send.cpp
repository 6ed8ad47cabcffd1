// SPDX-License-Identifier: MIT
// `hooks send`: a realistic, correctly signed delivery of a provider's event, with its retries.
#include "cli/body_view.hpp"
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/send_delivery.hpp"
#include "cli/send_load.hpp"
#include "cli/stop_signals.hpp"
#include "core/events/delivery_id.hpp"
#include "core/text/duration.hpp"
#include "core/text/text.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace hooks::cli {
namespace {

struct SendOptions {
    std::string url;
    ProviderOptions provider;
    SecretOptions secrets;
    HeaderOptions headers;
    OutputOptions output;
    std::string event;
    std::string data;
    std::vector<std::string> sets;
    std::vector<std::string> maps;
    std::string only_if_changed;
    std::string id;
    std::string method;
    RetryOptions retry;
    std::uint64_t count = 1;
    unsigned concurrency = 1;
    bool is_dry_run = false;
    bool is_insecure = false;
    std::string ca_file;
    bool shows_headers = false;
    std::string max_wait = "1m";
};

Result<std::vector<std::pair<std::string, std::string>>>
split_pairs(const std::vector<std::string>& items, std::string_view flag, std::string_view shape) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string& item : items) {
        auto equals = item.find('=');
        if (equals == std::string::npos || equals == 0) {
            return fail(ErrorKind::usage,
                        std::string(flag) + " '" + item + "': expected " + std::string(shape));
        }
        pairs.emplace_back(item.substr(0, equals), item.substr(equals + 1));
    }
    return pairs;
}

Result<std::optional<std::string>> read_data(const std::string& data, Context& context,
                                             StdinGuard& guard) {
    if (data.empty()) {
        return std::optional<std::string>();
    }
    if (data == "-" || data.starts_with('@')) {
        auto text = read_body(data == "-" ? "-" : data.substr(1), context, guard);
        if (!text) {
            return tl::unexpected(text.error());
        }
        return std::optional(std::move(*text));
    }
    return std::optional(data);
}

/// Reads every flag into a plan; the secrets and data are read here too.
Result<SendPlan> make_plan(const SendOptions& options, const providers::Registry& registry,
                           Context& context) {
    SendPlan plan;
    auto url = http::parse_url(options.url);
    if (!url) {
        return tl::unexpected(url.error());
    }
    plan.url = std::move(*url);
    plan.url_text = options.url;
    auto scheme = registry.find(options.provider.name);
    if (!scheme) {
        return tl::unexpected(scheme.error());
    }
    plan.scheme = *scheme;
    if (!plan.scheme->info().can_sign) {
        return fail(ErrorKind::usage,
                    "provider " + options.provider.name + " can only be verified, not sent");
    }
    StdinGuard guard;
    auto data = read_data(options.data, context, guard);
    if (!data) {
        return tl::unexpected(data.error());
    }
    if (plan.scheme->info().needs_secret) {
        auto secrets = resolve_secrets(options.secrets, context, guard);
        if (!secrets) {
            return tl::unexpected(secrets.error());
        }
        plan.secrets = std::move(*secrets);
    }
    auto sets = split_pairs(options.sets, "--set", "PATH=VALUE");
    auto maps = split_pairs(options.maps, "--map", "NAME=/json/pointer");
    if (!sets || !maps) {
        return tl::unexpected(!sets ? sets.error() : maps.error());
    }
    plan.build = {options.provider.name,   options.event,    std::move(*data),
                  std::move(*sets),        std::move(*maps), "",
                  providers::UnixMillis(0)};
    auto headers = resolve_headers(HeaderOptions{options.headers.headers, ""});
    if (!headers) {
        return tl::unexpected(headers.error());
    }
    plan.extra_headers = std::move(headers->headers);
    if (!options.method.empty()) {
        if (auto valid = message::validate_method(options.method); !valid) {
            return fail(ErrorKind::usage, "--method: " + valid.error().message);
        }
    }
    plan.method = options.method;
    auto schedule = resolve_schedule(options.retry, options.provider.name);
    if (!schedule) {
        return tl::unexpected(schedule.error());
    }
    plan.schedule = std::move(*schedule);
    plan.time_scale = options.retry.time_scale;
    if (options.max_wait != "none") {
        auto max_wait = text::parse_duration(options.max_wait);
        if (!max_wait) {
            return fail(ErrorKind::usage, "--max-wait: " + max_wait.error().message);
        }
        plan.max_wait = *max_wait;
    }
    plan.should_stop = [] { return StopSignals::is_stop_requested(); };
    plan.now = [clock = context.clock] { return time::unix_millis(*clock); };
    return plan;
}

std::string describe_attempt(const Attempt& attempt) {
    std::string line = "attempt " + std::to_string(attempt.number) + ": ";
    if (attempt.response) {
        char latency[32];
        std::snprintf(latency, sizeof latency, "%.1f ms",
                      static_cast<double>(attempt.response->latency.count()) / 1000.0);
        line += std::to_string(attempt.response->status) + " in " + latency;
    } else {
        line += attempt.error->message;
    }
    if (attempt.decision.verdict != retry::Verdict::success) {
        line += "; " + attempt.decision.reason;
    }
    return line;
}

/// What the schedule would still do once --max-wait stopped waiting: "the schedule would retry
/// 7 more times, in 30m, 1h, ... (the last 3d 2h from now); --max-wait none waits for them".
std::string describe_waits_left(const std::vector<std::chrono::milliseconds>& waits) {
    std::string line = "stopped waiting (--max-wait): the schedule would retry " +
                       std::to_string(waits.size()) +
                       (waits.size() == 1 ? " more time" : " more times") + ", in ";
    std::chrono::milliseconds total{0};
    for (std::size_t i = 0; i < waits.size(); ++i) {
        line += (i == 0 ? "" : ", ") + text::format_duration(waits[i]);
        total += waits[i];
    }
    if (waits.size() > 1) {
        line += " (the last " + text::format_duration(total) + " from now)";
    }
    return line + "; --max-wait none waits for them";
}

void print_result_text(const DeliveryResult& result, bool shows_headers, bool is_color,
                       std::ostream& out) {
    const Attempt& last = result.attempts.back();
    if (last.response) {
        if (shows_headers) {
            for (const message::Header& header : last.response->headers) {
                out << "  " << terminal_safe(header.name) << ": " << terminal_safe(header.value)
                    << '\n';
            }
        }
        std::string content_type;
        for (const message::Header& header : last.response->headers) {
            if (message::names_equal(header.name, "Content-Type")) {
                content_type = header.value;
            }
        }
        BodyViewOptions view;
        view.color = is_color;
        view.max_lines = 40;
        if (!last.response->body.empty()) {
            out << render_body(last.response->body, content_type, view);
        }
    }
    out << (result.is_success            ? paint("delivered", 32, is_color)
            : result.is_interrupted      ? paint("interrupted", 33, is_color)
            : !result.waits_left.empty() ? paint("not delivered", 31, is_color)
                                         : paint("failed", 31, is_color))
        << " after " << result.attempts.size()
        << (result.attempts.size() == 1 ? " attempt" : " attempts") << '\n';
    if (!result.waits_left.empty()) {
        out << describe_waits_left(result.waits_left) << '\n';
    }
}

nlohmann::json attempt_json(const Attempt& attempt) {
    nlohmann::json document = {{"attempt", attempt.number}};
    document["status"] =
        attempt.response ? nlohmann::json(attempt.response->status) : nlohmann::json(nullptr);
    document["latency_ms"] =
        attempt.response
            ? nlohmann::json(static_cast<double>(attempt.response->latency.count()) / 1000.0)
            : nlohmann::json(nullptr);
    document["error"] =
        attempt.error ? nlohmann::json(attempt.error->message) : nlohmann::json(nullptr);
    document["reason"] = attempt.decision.reason;
    return document;
}

void print_result_json(const SendPlan& plan, const DeliveryResult& result, std::ostream& out) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const Attempt& attempt : result.attempts) {
        attempts.push_back(attempt_json(attempt));
    }
    nlohmann::json document = {{"v", 1},
                               {"id", result.id},
                               {"provider", plan.build.provider},
                               {"event", plan.build.event},
                               {"url", plan.url_text},
                               {"delivered", result.is_success},
                               {"interrupted", result.is_interrupted},
                               {"attempts", attempts}};
    if (!result.waits_left.empty()) {
        nlohmann::json waits = nlohmann::json::array();
        for (std::chrono::milliseconds wait : result.waits_left) {
            waits.push_back(wait.count());
        }
        document["waits_left_ms"] = waits; // what the schedule would still do
    }
    if (const Attempt& last = result.attempts.back(); last.response) {
        nlohmann::json headers = nlohmann::json::array();
        for (const message::Header& header : last.response->headers) {
            headers.push_back({header.name, header.value});
        }
        document["response"] = {
            {"status", last.response->status}, {"headers", headers}, {"body", last.response->body}};
    }
    // The response body is the receiver's: made safe for a terminal, as listen --json does.
    out << text::escape_json_for_terminal(
               document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << '\n';
}

/// --dry-run --json: the request that would go out, nothing sent.
void print_dry_run_json(const SendPlan& plan, const std::string& id,
                        const message::Message& request, const std::string& wire,
                        std::ostream& out) {
    nlohmann::json headers = nlohmann::json::array();
    for (const message::Header& header : request.headers) {
        headers.push_back({header.name, header.value});
    }
    nlohmann::json document = {{"v", 1},
                               {"dry_run", true},
                               {"id", id},
                               {"provider", plan.build.provider},
                               {"event", plan.build.event},
                               {"url", plan.url_text},
                               {"method", request.method},
                               {"target", request.target},
                               {"headers", headers},
                               {"body", request.body},
                               {"wire", wire},
                               {"curl", format_curl(plan.url, request)}};
    out << text::escape_json_for_terminal(
               document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << '\n';
}

Result<int> send_one(const SendOptions& options, const SendPlan& plan, Context& context) {
    std::string id =
        options.id.empty() ? events::fresh_delivery_id(plan.build.provider) : options.id;
    // Built once: every attempt signs this same request.
    providers::UnixMillis created = plan.now();
    auto unsigned_request = build_unsigned(plan, id, created);
    if (!unsigned_request) {
        return tl::unexpected(unsigned_request.error());
    }
    auto request = sign_request(plan, *unsigned_request, id, created);
    if (!request) {
        return tl::unexpected(request.error());
    }
    if (options.is_dry_run) {
        auto wire = format_wire_request(plan.url, *request);
        if (!wire) {
            return tl::unexpected(wire.error());
        }
        if (options.output.is_json) {
            print_dry_run_json(plan, id, *request, *wire, context.out);
        } else {
            context.out << *wire << "\n\n# the same with curl:\n"
                        << format_curl(plan.url, *request);
        }
        return 0;
    }
    http::ClientOptions connection =
        client_options(options.is_insecure, options.ca_file, plan.schedule);
    connection.should_stop = plan.should_stop; // Ctrl-C cuts an attempt on the wire short
    auto client = http::Client::create(plan.url, connection);
    if (!client) {
        return tl::unexpected(client.error());
    }
    bool is_color = should_color(options.output, context);
    if (!options.output.is_json) {
        context.out << paint(terminal_safe(request->method), 1, is_color) << ' '
                    << terminal_safe(plan.url_text) << "  " << plan.build.provider << ' '
                    << terminal_safe(plan.build.event) << "  id " << terminal_safe(id) << '\n'
                    << std::flush;
    }
    StopSignals signals; // Ctrl-C ends the delivery where it is, with what happened so far
    auto result = deliver(plan, **client, *unsigned_request, id, [&](const Attempt& attempt) {
        if (!options.output.is_json) {
            context.out << describe_attempt(attempt) << '\n' << std::flush;
        }
    });
    if (!result) {
        return tl::unexpected(result.error());
    }
    options.output.is_json
        ? print_result_json(plan, *result, context.out)
        : print_result_text(*result, options.shows_headers, is_color, context.out);
    if (!result->is_success) {
        const Attempt& last = result->attempts.back();
        std::string attempts = std::to_string(result->attempts.size()) +
                               (result->attempts.size() == 1 ? " attempt" : " attempts");
        if (result->is_interrupted) {
            return fail(ErrorKind::interrupted,
                        "interrupted: delivery " + id + " not delivered after " + attempts);
        }
        if (!result->waits_left.empty()) {
            return fail(ErrorKind::negative, "delivery " + id + " not delivered after " + attempts +
                                                 ": the next retry is in " +
                                                 text::format_duration(result->waits_left.front()) +
                                                 ", past --max-wait " + options.max_wait +
                                                 " (--max-wait none waits for the whole schedule)");
        }
        std::string why =
            last.error ? last.error->message + "; " + last.decision.reason : last.decision.reason;
        return fail(ErrorKind::negative,
                    "delivery " + id + " failed after " + attempts + ": " + why);
    }
    return 0;
}

/// --only-if-changed: whether the delivery should go at all (CodeNx field-level triggers).
Result<bool> passes_trigger(const SendOptions& options, const SendPlan& plan, Context& context) {
    if (options.only_if_changed.empty()) {
        return true;
    }
    auto request = build_unsigned(plan, "msg_trigger_check", plan.now());
    if (!request) {
        return tl::unexpected(request.error());
    }
    auto changed = events::has_changed(request->body, options.only_if_changed);
    if (!changed) {
        return tl::unexpected(changed.error());
    }
    if (!*changed) {
        context.err << "hooks: not sent: " << options.only_if_changed
                    << " is the same in previous and record (--only-if-changed)\n";
    }
    return *changed;
}

Result<int> run_send(const SendOptions& options, Context& context) {
    auto registry = load_registry(options.provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    auto plan = make_plan(options, *registry, context);
    if (!plan) {
        return tl::unexpected(plan.error());
    }
    if (plan->build.event.empty()) {
        auto events = events::list_events(plan->build.provider);
        plan->build.event = events.empty() ? "" : events.front().name;
    }
    auto passes = passes_trigger(options, *plan, context);
    if (!passes || !*passes) {
        return passes ? Result<int>(0) : tl::unexpected(passes.error());
    }
    if (options.count > 1 || options.concurrency > 1) {
        if (options.is_dry_run) {
            return fail(ErrorKind::usage,
                        "--dry-run shows one request; drop --count/--concurrency");
        }
        LoadOptions load{options.count, options.concurrency,
                         client_options(options.is_insecure, options.ca_file, plan->schedule)};
        return run_load(*plan, load, options.output.is_json, context);
    }
    return send_one(options, *plan, context);
}

} // namespace

namespace {

void add_payload_options(CLI::App& command, SendOptions& options) {
    command
        .add_option("--event", options.event,
                    "Event type (see 'hooks providers NAME'; default: the provider's first)")
        ->type_name("TYPE");
    command
        .add_option("--data", options.data,
                    "The event's data as JSON: inline, @FILE, or '-' for stdin (replaces the "
                    "sample's data inside the provider's envelope)")
        ->type_name("JSON|@FILE|-");
    command
        .add_option("--set", options.sets,
                    "Set one field of the body: a JSON Pointer or dotted path and a JSON value "
                    "(else a string), e.g. --set data.object.amount_paid=4200 (repeatable)")
        ->type_name("PATH=VALUE");
    command
        .add_option("--map", options.maps,
                    "Codex custom payload: a field NAME taken from the envelope at a JSON "
                    "Pointer, e.g. --map 'Id=/object/id' (repeatable, in order)")
        ->type_name("NAME=POINTER");
    command
        .add_option("--only-if-changed", options.only_if_changed,
                    "CodeNx field-level trigger: send only if FIELD differs between previous "
                    "and record")
        ->type_name("FIELD");
    command.add_option("--id", options.id, "Delivery id (default: fresh, in the provider's style)");
    command.add_option("--method", options.method,
                       "HTTP method (default: the provider's, POST; Codex allows any)");
}

void add_delivery_options(CLI::App& command, SendOptions& options) {
    add_retry_options(command, options.retry, "the provider's documented schedule");
    command.add_option("--count", options.count, "Send N distinct deliveries (fresh ids)")
        ->type_name("N")
        ->check(whole_number(1, 1LL << 32))
        ->capture_default_str();
    command.add_option("--concurrency", options.concurrency, "Connections used at once")
        ->type_name("C")
        ->check(whole_number(1, 1024))
        ->capture_default_str();
    command
        .add_option("--max-wait", options.max_wait,
                    "Stop retrying when the waits would add up to more than this, and print "
                    "what the schedule would still do; 'none' follows the whole schedule")
        ->type_name("DURATION|none")
        ->capture_default_str();
    command.add_flag("--dry-run", options.is_dry_run,
                     "Print the exact request and an equivalent curl command; send nothing");
    command.add_flag("-k,--insecure", options.is_insecure,
                     "Do not check the server's TLS certificate");
    command.add_option("--cacert", options.ca_file, "Trust the CA certificates in FILE (PEM)")
        ->type_name("FILE");
    command.add_flag("--show-headers", options.shows_headers, "Show the response headers");
}

} // namespace

void register_send(CLI::App& command, Context& context) {
    auto options = std::make_shared<SendOptions>();
    command.add_option("URL", options->url, "Where to send: http:// or https://")->required();
    add_provider_options(command, options->provider, "standard");
    command.get_option("--provider")
        ->description("The provider to imitate (see 'hooks providers')");
    add_secret_options(command, options->secrets,
                       "the signing secret (Ed25519 providers: the private key)");
    add_payload_options(command, *options);
    add_header_options(command, options->headers, false);
    add_delivery_options(command, *options);
    add_output_options(command, options->output);
    command.footer(
        "Exit status: 0 delivered (every delivery, with --count); 1 failed after retries;\n"
        "2 bad usage or input.\n"
        "Examples:\n"
        "  hooks send http://127.0.0.1:3000/webhooks --provider codenx --event record.updated \\\n"
        "      --secret-env CODENX_SECRET\n"
        "  hooks send http://127.0.0.1:3000/stripe --provider stripe --event invoice.paid \\\n"
        "      --set data.object.amount_paid=4200 --secret-env STRIPE_SECRET\n"
        "  hooks send http://127.0.0.1:3000/gh --provider github --event push --dry-run --secret "
        "s\n"
        "  hooks send http://127.0.0.1:9000 --provider codenx --secret s --count 1000 \\\n"
        "      --concurrency 16 --retries 0");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_send(*options, context); };
    });
}

} // namespace hooks::cli
