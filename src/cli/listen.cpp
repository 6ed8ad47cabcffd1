// SPDX-License-Identifier: MIT
// `hooks listen`: a local receiver that shows, checks, records and forwards every delivery.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/listen_run.hpp"
#include "core/http/response_text.hpp"
#include "core/text/duration.hpp"

#include <charconv>
#include <cstdio>
#include <ostream>

namespace hooks::cli {
namespace {

bool is_loopback(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Result<std::vector<Route>> parse_routes(const std::vector<std::string>& specs) {
    std::vector<Route> routes;
    for (const std::string& spec : specs) {
        auto equals = spec.find('=');
        if (equals == std::string::npos || equals == 0) {
            return fail(ErrorKind::usage, "--route '" + spec +
                                              "': expected GLOB=URL, such as 'invoice.*=" +
                                              "http://127.0.0.1:3000/billing'");
        }
        auto url = http::parse_url(std::string_view(spec).substr(equals + 1));
        if (!url) {
            return fail(ErrorKind::usage, "--route: " + url.error().message);
        }
        routes.push_back({spec.substr(0, equals), std::move(*url)});
    }
    return routes;
}

/// One --respond value's answer: "STATUS" or "@FILE" (an HTTP response as `curl -i` prints it).
Result<http::Response> parse_answer(const std::string& spec, const std::string& answer) {
    auto failure = [&spec](const std::string& reason) {
        return fail(ErrorKind::usage, "--respond '" + spec + "': " + reason);
    };
    if (answer.starts_with("@")) {
        auto text = read_file(answer.substr(1));
        if (!text) {
            return failure(text.error().message);
        }
        auto response = http::parse_response_text(*text);
        if (!response) {
            return failure(answer.substr(1) + ": " + response.error().message);
        }
        return std::move(*response);
    }
    int status = 0;
    auto [end, error] = std::from_chars(answer.data(), answer.data() + answer.size(), status);
    if (error != std::errc{} || end != answer.data() + answer.size() || status < 200 ||
        status > 599) {
        return failure("expected STATUS (200 to 599) or @FILE, optionally after GLOB=");
    }
    return answer_with(status);
}

/// --respond [GLOB=]STATUS|@FILE, in order: the rules with a GLOB, and the one answer without.
Result<void> parse_responds(const std::vector<std::string>& specs, ReceiverConfig& config) {
    bool has_default = false;
    for (const std::string& spec : specs) {
        // GLOB=ANSWER splits at the first '=': a GLOB holds none, and a FILE may.
        std::size_t equals = spec.starts_with("@") ? std::string::npos : spec.find('=');
        std::string pattern = equals == std::string::npos ? "" : spec.substr(0, equals);
        auto response =
            parse_answer(spec, spec.substr(equals == std::string::npos ? 0 : equals + 1));
        if (!response) {
            return tl::unexpected(response.error());
        }
        if (equals != std::string::npos && pattern.empty()) {
            return fail(ErrorKind::usage, "--respond '" + spec + "': empty GLOB before '='");
        }
        if (pattern.empty()) {
            if (has_default) {
                return fail(ErrorKind::usage,
                            "--respond: give one answer without a GLOB at most (the default)");
            }
            has_default = true;
            config.response = std::move(*response);
        } else {
            bool is_path = pattern.starts_with("/");
            config.respond_rules.push_back({std::move(pattern), is_path, std::move(*response)});
        }
    }
    return {};
}

/// --reject-invalid's status: 401 when given without one; it needs a secret to verify with.
Result<int> parse_reject_status(const std::string& text, const ReceiverConfig& config) {
    if (config.secrets.empty()) {
        return fail(ErrorKind::usage, "--reject-invalid needs --provider and a secret to verify "
                                      "with");
    }
    if (text.empty()) {
        return 401;
    }
    int status = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), status);
    if (error != std::errc{} || end != text.data() + text.size() || status < 400 || status > 599) {
        return fail(ErrorKind::usage,
                    "--reject-invalid: '" + text + "' is not a status from 400 to 599");
    }
    return status;
}

/// --public-url: an http(s) URL without a query (each delivery's target is appended to it).
Result<http::Url> parse_public_url(const std::string& text) {
    auto url = http::parse_url(text);
    if (!url) {
        return fail(ErrorKind::usage, "--public-url: " + url.error().message);
    }
    if (url->target.find('?') != std::string::npos) {
        return fail(ErrorKind::usage, "--public-url: the URL cannot carry a query; each "
                                      "delivery's own target is appended to it");
    }
    return url;
}

/// Reads the flags into a receiver configuration; `registry` and `log` must outlive it.
Result<ReceiverConfig> configure(const ListenOptions& options, const providers::Registry& registry,
                                 Context& context) {
    ReceiverConfig config;
    config.registry = &registry;
    config.is_auto = options.provider.name == "auto";
    if (!options.provider.name.empty() && !config.is_auto) {
        auto scheme = registry.find(options.provider.name);
        if (!scheme) {
            return tl::unexpected(scheme.error());
        }
        config.scheme = *scheme;
    }
    const SecretOptions& secrets = options.secrets;
    bool has_secret = !secrets.values.empty() || !secrets.files.empty() ||
                      !secrets.env_names.empty() || context.getenv("HOOKS_SECRET");
    if (has_secret && options.provider.name.empty()) {
        return fail(ErrorKind::usage, "a secret needs --provider NAME or --provider auto to "
                                      "check signatures with");
    }
    if (has_secret) {
        StdinGuard guard;
        auto resolved = resolve_secrets(secrets, context, guard);
        if (!resolved) {
            return tl::unexpected(resolved.error());
        }
        config.secrets = std::move(*resolved);
        if (config.scheme != nullptr) {
            // A secret that can never verify would make every delivery invalid: refuse it now.
            if (auto usable = config.scheme->check_secrets(config.secrets); !usable) {
                return tl::unexpected(usable.error());
            }
        }
    }
    if (options.requires_valid && config.secrets.empty()) {
        return fail(ErrorKind::usage, "--require-valid needs --provider and a secret "
                                      "(--secret, --secret-file, --secret-env or HOOKS_SECRET)");
    }
    if (options.tolerance_seconds) {
        config.tolerance = std::chrono::seconds(*options.tolerance_seconds);
    }
    if (auto responds = parse_responds(options.responds, config); !responds) {
        return tl::unexpected(responds.error());
    }
    config.fail_first = options.fail_first;
    config.fail_rate = options.fail_rate;
    config.fail_status = options.fail_status;
    if (options.reject_invalid) {
        auto status = parse_reject_status(*options.reject_invalid, config);
        if (!status) {
            return tl::unexpected(status.error());
        }
        config.reject_status = *status;
    }
    auto delay = text::parse_duration(options.delay);
    if (!delay) {
        return fail(ErrorKind::usage, "--delay: " + delay.error().message);
    }
    config.delay = *delay;
    if (!options.public_url.empty()) {
        auto url = parse_public_url(options.public_url);
        if (!url) {
            return tl::unexpected(url.error());
        }
        config.public_url = std::move(*url);
    }
    if (!options.forward_to.empty()) {
        auto url = http::parse_url(options.forward_to);
        if (!url) {
            return fail(ErrorKind::usage, "--forward-to: " + url.error().message);
        }
        config.forward_to = std::move(*url);
    }
    auto routes = parse_routes(options.routes);
    if (!routes) {
        return tl::unexpected(routes.error());
    }
    config.routes = std::move(*routes);
    config.now = [clock = context.clock] { return time::unix_millis(*clock); };
    return config;
}

void describe_start(const ListenOptions& options, bool checks_signatures, const log::Writer* log,
                    std::ostream& err) {
    if (!is_loopback(options.host)) {
        err << "hooks: warning: listening on " << options.host
            << ", reachable from other machines; deliveries are accepted from anyone who can "
               "reach it\n";
    }
    if (!options.provider.name.empty() && !checks_signatures) {
        err << "hooks: note: no secret given, signatures are not checked\n";
    }
    if (log != nullptr && !log->repair_note().empty()) {
        err << "hooks: warning: " << options.log_path << ": " << log->repair_note() << '\n';
    }
    if (auto mode = log != nullptr ? log->wide_mode() : std::nullopt) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", *mode);
        err << "hooks: warning: " << options.log_path << " has mode " << octal
            << ": others can read the deliveries it records (chmod 600 " << options.log_path
            << ")\n";
    }
}

http::ServerOptions server_options_for(const ListenOptions& options, bool is_forwarding) {
    http::ServerOptions server_options;
    server_options.host = options.host;
    server_options.port = options.port;
    server_options.limits.max_body_bytes = options.max_body;
    server_options.limits.max_connections = options.max_connections;
    server_options.threads = options.threads;
    server_options.blocking_threads = is_forwarding ? 32 : 0;
    return server_options;
}

Result<int> run_listen(const ListenOptions& options, Context& context) {
    auto registry = load_registry(options.provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    auto config = configure(options, *registry, context);
    if (!config) {
        return tl::unexpected(config.error());
    }
    std::optional<std::chrono::milliseconds> timeout;
    if (!options.timeout.empty()) {
        auto parsed = text::parse_duration(options.timeout);
        if (!parsed) {
            return fail(ErrorKind::usage, "--timeout: " + parsed.error().message);
        }
        timeout = *parsed;
    }
    std::unique_ptr<log::Writer> log;
    if (!options.log_path.empty()) {
        auto opened = log::Writer::open(options.log_path);
        if (!opened) {
            return tl::unexpected(opened.error());
        }
        log = std::move(*opened);
        config->log = log.get();
    }
    bool is_forwarding = config->forward_to || !config->routes.empty();
    bool checks_signatures = !config->secrets.empty();
    Listening listening(options, context, std::move(*config));
    auto on_rejection = [&listening](const http::Rejection& rejection) {
        listening.reject(rejection);
    };
    // Logging deliveries on the I/O threads: one log write per turn of a thread's event loop
    // for all the deliveries it read (group commit). Forwarding blocks on a separate pool,
    // where each delivery is written on its own.
    auto bound =
        log && !is_forwarding
            ? http::Server::bind(
                  server_options_for(options, is_forwarding),
                  http::AsyncHandler{
                      [&listening](http::IncomingRequest& request, http::Responder responder) {
                          listening.handle_later(request, std::move(responder));
                      },
                      [&listening] { listening.finish_turn(); }},
                  on_rejection)
            : http::Server::bind(
                  server_options_for(options, is_forwarding),
                  [&listening](http::IncomingRequest& request) {
                      return listening.handle(request);
                  },
                  on_rejection);
    if (!bound) {
        return tl::unexpected(bound.error());
    }
    http::Server& server = **bound;
    bool is_v6 = server.host().find(':') != std::string::npos;
    context.err << "Listening on http://" << (is_v6 ? "[" + server.host() + "]" : server.host())
                << ':' << server.port() << '\n';
    describe_start(options, checks_signatures, log.get(), context.err);
    context.err << std::flush;
    auto served = listening.serve(server, timeout);
    if (auto failure = log ? log->writeback_failure() : std::nullopt) {
        context.err << "hooks: warning: the system could not write " << options.log_path
                    << " back to disk: " << *failure << '\n'
                    << std::flush;
    }
    return served;
}

/// --respond, --delay and the simulated failures.
void add_response_options(CLI::App& command, ListenOptions& options) {
    command
        .add_option("--respond", options.responds,
                    "Answer STATUS, or the response in FILE (status line, headers, blank line, "
                    "body, as curl -i prints it). With GLOB=, only deliveries whose event type "
                    "matches GLOB (or whose path does, for a GLOB starting with /), even when "
                    "forwarded; first match wins; repeatable. Default 200")
        ->type_name("[GLOB=]STATUS|@FILE");
    command.add_option("--delay", options.delay, "Wait this long before answering (500ms, 2s)")
        ->type_name("DURATION")
        ->capture_default_str();
    command
        .add_option("--fail-first", options.fail_first,
                    "Answer --fail-status to the first N attempts of each delivery id, then "
                    "succeed (exercises a sender's retries)")
        ->type_name("N")
        ->check(whole_number(0, 1'000'000));
    command
        .add_option("--fail-rate", options.fail_rate,
                    "Answer --fail-status to this fraction of requests at random (0 to 1)")
        ->type_name("R")
        ->check(decimal_number(0, 1));
    command
        .add_option("--public-url", options.public_url,
                    "The URL the provider sends to when a tunnel (cloudflared, ngrok, ssh -R) "
                    "sits in front: URL-signed schemes (Twilio) are verified against it plus "
                    "each delivery's path")
        ->type_name("URL");
    command
        .add_option("--reject-invalid", options.reject_invalid,
                    "Answer STATUS (default 401) to deliveries whose signature does not verify, "
                    "as a correct app does, to test a sender's retries and alerts")
        ->expected(0, 1)
        ->type_name("[STATUS]");
    command.add_option("--fail-status", options.fail_status, "Status of simulated failures")
        ->type_name("STATUS")
        ->check(whole_number(400, 599))
        ->capture_default_str();
}

/// The server's limits and the CI assertions.
void add_limit_and_ci_options(CLI::App& command, ListenOptions& options) {
    command
        .add_option("--max-body", options.max_body,
                    "Largest body accepted; larger ones get 413 before they are read")
        ->type_name("BYTES")
        ->check(whole_number(0, 1LL << 32))
        ->capture_default_str();
    command
        .add_option("--max-connections", options.max_connections,
                    "Open connections allowed at once; more get 503")
        ->type_name("N")
        ->check(whole_number(1, 100'000))
        ->capture_default_str();
    command.add_option("--threads", options.threads, "I/O threads (default: one per core)")
        ->type_name("N")
        ->check(whole_number(1, 256));
    auto* count =
        command
            .add_option("--count", options.count,
                        "Exit after N deliveries (CI: with --timeout and --require-valid)")
            ->type_name("N")
            ->check(whole_number(1, 1LL << 40));
    command
        .add_option("--timeout", options.timeout,
                    "With --count: exit 1 if the deliveries have not all arrived within D")
        ->type_name("DURATION")
        ->needs(count);
    command.add_flag("--require-valid", options.requires_valid,
                     "Exit 1 if any delivery failed verification");
}

} // namespace

void register_listen(CLI::App& command, Context& context) {
    auto options = std::make_shared<ListenOptions>();
    command
        .add_option("--host", options->host,
                    "Address to listen on (other than loopback: a warning)")
        ->capture_default_str();
    command.add_option("--port", options->port, "Port to listen on; 0 picks a free one")
        ->capture_default_str()
        ->check(whole_number(0, 65535));
    add_provider_options(command, options->provider, "", false);
    command.get_option("--provider")
        ->description("Check signatures as this provider does; 'auto' detects it per request");
    add_secret_options(command, options->secrets,
                       "a secret to verify with (Ed25519 providers: the public key)");
    command
        .add_option("--tolerance", options->tolerance_seconds,
                    "Allowed timestamp age in seconds (default: the provider's; 0: no check)")
        ->type_name("SECONDS")
        ->check(whole_number(0, 100LL * 365 * 24 * 3600));
    command
        .add_option("--log", options->log_path,
                    "Append every delivery to FILE as JSON Lines (byte-exact, mode 0600), "
                    "before answering")
        ->type_name("FILE");
    command
        .add_option("--forward-to", options->forward_to,
                    "Forward each delivery to the app at URL and answer with its response "
                    "(a URL without a path keeps the request's path)")
        ->type_name("URL");
    command
        .add_option("--route", options->routes,
                    "Forward deliveries whose event type matches GLOB to URL instead "
                    "(repeatable, first match wins)")
        ->type_name("GLOB=URL");
    add_response_options(command, *options);
    add_limit_and_ci_options(command, *options);
    command.add_flag("--show-headers", options->shows_headers, "Show every request header");
    command.add_flag("-q,--quiet", options->is_quiet, "Print nothing per delivery");
    add_output_options(command, options->output);
    command.get_option("--json")->description("Print one JSON line (\"v\": 1) per delivery");
    command.footer(
        "Exit status: 0 after --count deliveries or on SIGTERM; 1 if --timeout passed first or\n"
        "--require-valid saw an invalid delivery; 2 bad usage; 130 on Ctrl-C.\n"
        "Examples:\n"
        "  hooks listen --provider stripe --secret-env STRIPE_SECRET --log deliveries.jsonl\n"
        "  hooks listen --provider auto --secret s --forward-to http://127.0.0.1:3000\n"
        "  hooks listen --fail-first 2 --delay 200ms        # a flaky endpoint\n"
        "  hooks listen --port 0 --count 1 --timeout 30s --require-valid \\\n"
        "      --provider github --secret-env GH_SECRET     # CI: assert the app signs correctly");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_listen(*options, context); };
    });
}

} // namespace hooks::cli
