import Mustache

/// The console's pages as Mustache templates, compiled once. `{{x}}` escapes HTML; only `content`,
/// which the layout receives already rendered from escaped values, is inserted raw (`{{{content}}}`).
enum ConsoleTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", layout), ("sign-in", signIn), ("overview", overview), ("target", target),
            ("message", message), ("search", search), ("resource", resource),
        ] {
            // The templates are constants of this file: one that does not parse is a bug, found by any test.
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        return library
    }()

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · scim-bridge</title>
        <link rel="stylesheet" href="/admin/console.css">
        </head>
        <body>
        <header>
        <a class="brand" href="/admin/">scim-bridge</a>
        {{#csrf}}
        <nav aria-label="Console"><a href="/admin/">Overview</a></nav>
        <form role="search" method="get" action="/admin/search"><label for="q" class="visually-hidden">Find a user or group</label><input id="q" name="q" type="search" placeholder="userName, group name or id" value="{{query}}"><button type="submit">Find</button></form>
        <form method="post" action="/admin/sign-out"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
        {{/csrf}}
        </header>
        <main id="main">
        <h1>{{title}}</h1>
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        <form method="post" action="/admin/sign-in" class="card">
        {{#error}}<p role="alert" class="error">{{error}}</p>{{/error}}
        <label for="token">Admin token (<code>server.adminToken</code>)</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
        <button type="submit">Sign in</button>
        </form>
        """

    static let overview = """
        <section aria-labelledby="targets-heading">
        <h2 id="targets-heading">Targets</h2>
        <table>
        <thead><tr><th scope="col">Target</th><th scope="col">State</th><th scope="col">Pending</th><th scope="col">Oldest pending</th><th scope="col">Failed</th><th scope="col">Blocked groups</th><th scope="col">Last success</th><th scope="col">Last error</th></tr></thead>
        <tbody>
        {{#targets}}
        <tr><th scope="row"><a href="/admin/target/{{name}}">{{name}}</a></th><td><span class="state {{state}}">{{state}}</span></td><td>{{pending}}</td><td>{{oldest}}</td><td>{{dead}}</td><td>{{blocked}}</td><td>{{lastSuccess}}</td><td>{{lastError}}</td></tr>
        {{/targets}}
        </tbody>
        </table>
        </section>
        <section aria-labelledby="channels-heading">
        <h2 id="channels-heading">Channels</h2>
        <table>
        <thead><tr><th scope="col">Channel</th><th scope="col">Users</th><th scope="col">Groups</th></tr></thead>
        <tbody>
        {{#channels}}
        <tr><th scope="row">{{name}}</th><td>{{users}}</td><td>{{groups}}{{#tooMany}} <strong class="warning">above PingOne's recommended 1,000 groups per rule</strong>{{/tooMany}}</td></tr>
        {{/channels}}
        </tbody>
        </table>
        </section>
        """

    static let target = """
        <p>State: <span class="state {{state}}">{{state}}</span>{{#pausedReason}} (paused: {{pausedReason}}){{/pausedReason}}. Pending {{pending}}, failed {{dead}}.</p>
        {{#lastError}}<p>Last error: <code>{{lastError}}</code></p>{{/lastError}}
        <section aria-labelledby="blocked-heading">
        <h2 id="blocked-heading">Blocked groups</h2>
        {{^blocked}}<p>No group is blocked on this target.</p>{{/blocked}}
        {{#blocked}}
        <article class="card">
        <h3>{{displayName}} <small>({{channel}}, {{id}})</small></h3>
        <p>{{reason}}</p>
        <form method="post" action="/admin/target/{{target}}/resolve">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="group" value="{{id}}">
        <fieldset>
        <legend>Settle this group alone</legend>
        <label><input type="radio" name="policy" value="merge" required> merge: {{merge}}</label>
        <label><input type="radio" name="policy" value="overwrite"> overwrite: {{overwrite}}</label>
        </fieldset>
        <label><input type="checkbox" name="acknowledge" value="yes" required> I understand and want to continue</label>
        <button type="submit">Apply to {{displayName}}</button>
        </form>
        </article>
        {{/blocked}}
        </section>
        <section aria-labelledby="failed-heading">
        <h2 id="failed-heading">Failed changes</h2>
        {{^failed}}<p>None.</p>{{/failed}}
        <ul>{{#failed}}<li><code>{{resource}}</code> after {{attempts}} attempt(s): {{error}}</li>{{/failed}}</ul>
        </section>
        """

    static let search = """
        {{^results}}<p>Nothing matches <q>{{query}}</q>: search takes a user's exact userName, a group's exact name, or an id.</p>{{/results}}
        <ul>{{#results}}<li><a href="/admin/{{kind}}/{{channel}}/{{id}}">{{name}}</a> ({{kind}} in channel {{channel}}, {{id}})</li>{{/results}}</ul>
        """

    static let resource = """
        <p>{{kind}} <code>{{id}}</code> in channel {{channel}}.</p>
        <section aria-labelledby="targets-heading">
        <h2 id="targets-heading">On each target</h2>
        <table>
        <thead><tr><th scope="col">Target</th><th scope="col">State</th><th scope="col">Target id</th><th scope="col">Detail</th></tr></thead>
        <tbody>{{#targets}}<tr><th scope="row"><a href="/admin/target/{{target}}">{{target}}</a></th><td>{{state}}</td><td>{{targetID}}</td><td>{{detail}}</td></tr>{{/targets}}</tbody>
        </table>
        </section>
        <section aria-labelledby="memberships-heading">
        <h2 id="memberships-heading">{{membershipTitle}}</h2>
        {{^memberships}}<p>None.</p>{{/memberships}}
        <ul>{{#memberships}}<li><a href="/admin/{{kind}}/{{channel}}/{{id}}">{{name}}</a></li>{{/memberships}}</ul>
        </section>
        <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit trail</h2>
        {{^audit}}<p>No entry.</p>{{/audit}}
        <table>
        {{#audit.0}}<thead><tr><th scope="col">Time</th><th scope="col">Target</th><th scope="col">Action</th><th scope="col">Detail</th></tr></thead>{{/audit.0}}
        <tbody>{{#audit}}<tr><td>{{time}}</td><td>{{target}}</td><td>{{action}}</td><td><code>{{detail}}</code></td></tr>{{/audit}}</tbody>
        </table>
        </section>
        """

    static let message = """
        <p {{#alert}}role="alert" class="error"{{/alert}}>{{text}}</p>
        <p><a href="{{back}}">Back</a></p>
        """

    static let css = """
        :root { font-family: system-ui, sans-serif; color: #1b1f24; background: #fafbfc; }
        body { margin: 0; }
        header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1rem; background: #1f3a5f; color: #fff; flex-wrap: wrap; }
        header a { color: #fff; }
        header form { margin-left: auto; }
        .brand { font-weight: 700; text-decoration: none; }
        main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
        table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
        .card { background: #fff; border: 1px solid #d0d7de; border-radius: .4rem; padding: 1rem; margin: 1rem 0; max-width: 48rem; }
        label { display: block; margin: .5rem 0; }
        input[type=password] { width: 100%; max-width: 30rem; padding: .4rem; }
        button { padding: .4rem .9rem; }
        .state { padding: .1rem .4rem; border-radius: .3rem; background: #d0d7de; }
        .state.healthy { background: #c7f0d2; } .state.failing, .state.unauthenticated { background: #ffd8d3; }
        .state.paused, .state.throttled { background: #fff1c2; }
        .error { color: #a40e26; } .warning { color: #7a4d00; }
        header form[role=search] { display: flex; gap: .3rem; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        :focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
        """
}
