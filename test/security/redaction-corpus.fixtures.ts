/**
 * The redaction corpus: real secret forms (each must lose its secret and keep the text around it)
 * and innocent look-alikes (each must come out unchanged). test/security/redaction-corpus.test.ts
 * runs it; it holds no real credentials (every value is made up).
 */

export interface SecretCase {
  /** The text as it would reach warroom (a log line, a finding, a payload). */
  text: string;
  /** The secret: it must not appear in the output. */
  secret: string;
  /** Text that must survive (defaults to what surrounds the secret). */
  kept?: string[];
}

const RSA_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB',
  'aFDrBz9vFqU4yB4Aw8c5LqZ3xUo2pXbqBmq6qjQxE4zG0KqFqK1v0H3bKpD3dXhR',
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const OPENSSH_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDz9vFqU4yB4Aw8c5LqZ3xUo2pXbqBmq6qjQxE4zG0KqFqAAAAJgUu1pzFL',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\r\n');

export const SECRETS: SecretCase[] = [
  // Environment variables and key=value
  { text: 'DB_PASSWORD=hunter2 ./migrate', secret: 'hunter2' },
  { text: 'PGPASSWORD=s3cr3t-pg psql -h db -U app', secret: 's3cr3t-pg' },
  { text: "export PGPASSWORD='pa ss w0rd'", secret: 'pa ss w0rd' },
  { text: 'MYSQL_PWD=Zx9!qq mysql -u root', secret: 'Zx9!qq' },
  { text: 'POSTGRES_PASSWORD: "pg-Secr3t"', secret: 'pg-Secr3t' },
  { text: 'password=hunter2&user=bob', secret: 'hunter2' },
  { text: 'pass=Secr3t! user=deploy', secret: 'Secr3t!' },
  { text: 'SECRET_KEY=django-insecure-k3y', secret: 'django-insecure-k3y' },
  { text: "DJANGO_SECRET_KEY='q!w@e#r$t%y^'", secret: 'q!w@e#r$t%y^' },
  { text: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz' },
  { text: 'ERROR token=abc123 rejected by upstream', secret: 'abc123' },
  { text: 'auth_token=abc123def456 sent', secret: 'abc123def456' },
  { text: 'id_token=opaque-7f3a9b;', secret: 'opaque-7f3a9b' },
  { text: 'client_secret=GOCSPX-1a2b3c4d5e', secret: 'GOCSPX-1a2b3c4d5e' },
  { text: 'api_key=9f8e7d6c5b4a', secret: '9f8e7d6c5b4a' },
  { text: 'SLACK_BOT_TOKEN=xoxb-not-a-shape-but-a-value', secret: 'xoxb-not-a-shape-but-a-value' },
  { text: 'npm config set _auth=dXNlcjpwYXNzd29yZA==', secret: 'dXNlcjpwYXNzd29yZA==' },
  { text: '//registry.npmjs.org/:_authToken=0a1b2c3d-4e5f-6789-abcd-ef0123456789', secret: '0a1b2c3d-4e5f-6789-abcd-ef0123456789' },
  // Query strings
  { text: 'GET https://api.example.com/v1/me?access_token=ya29.a0AfH6SMBx3&fields=id', secret: 'ya29.a0AfH6SMBx3' },
  { text: 'POST /oauth/token refresh_token=1//0gLm9xQ7wz&grant_type=refresh_token', secret: '1//0gLm9xQ7wz' },
  { text: 'GET /export?api_key=abc123xyz&page=2', secret: 'abc123xyz' },
  { text: 'GET /callback?authorization=Bearer%20abc HTTP/1.1', secret: 'abc' },
  { text: 'GET /ws?authorization=Bearer+xyz789', secret: 'xyz789' },
  // YAML, JSON
  { text: 'password: hunter2', secret: 'hunter2' },
  { text: 'passwd: qwerty123', secret: 'qwerty123' },
  { text: 'password: hunter2 (rotated yesterday)', secret: 'hunter2' },
  { text: 'password = "letmein"', secret: 'letmein' },
  { text: 'api_key: sk_live_abc', secret: 'sk_live_abc' },
  { text: 'client_secret: "8Q~abc.DEF_ghi"', secret: '8Q~abc.DEF_ghi' },
  { text: '{"password":"correct horse battery staple"}', secret: 'correct horse battery staple' },
  { text: '{"db":{"password": "p@55w0rd"}}', secret: 'p@55w0rd' },
  { text: '{"secret": "xyz-123"}', secret: 'xyz-123' },
  { text: '{"access_token":"opaque.Zm9vYmFy","token_type":"Bearer"}', secret: 'opaque.Zm9vYmFy' },
  { text: '{"payload":"{\\"password\\":\\"hunter2x\\"}"}', secret: 'hunter2x' },
  { text: 'private_key: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"', secret: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' },
  // Command lines
  { text: 'pg_dump --password hunter22 -h db', secret: 'hunter22' },
  { text: 'deploy --token=abc123secret --env prod', secret: 'abc123secret' },
  // URLs and DSNs
  { text: 'connecting to postgres://app:s3cretPass@db:5432/app', secret: 's3cretPass' },
  { text: 'redis://:pw123@cache.internal:6379/0', secret: 'pw123' },
  { text: 'postgres://u:p@ss@host/db', secret: 'p@ss' },
  { text: 'mysql://root:r00t@db:3306/app', secret: 'r00t' },
  { text: 'amqp://guest:guestpw@rabbit:5672/', secret: 'guestpw' },
  { text: 'mongodb+srv://admin:m0ngoPW@cluster0.example.net/test', secret: 'm0ngoPW' },
  { text: 'DATABASE_URL=postgres://app:Pa%40ss@db/app', secret: 'Pa%40ss' },
  { text: 'git clone https://x-access-token:tok3n-value@github.com/acme/backend', secret: 'tok3n-value' },
  // Headers
  { text: 'Authorization: Bearer abc', secret: 'abc' },
  { text: 'Authorization: Bearer t0k', secret: 't0k' },
  { text: 'Authorization: Bearer abcdefghijklmnop123', secret: 'abcdefghijklmnop123' },
  { text: 'authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l', secret: 'YWxhZGRpbjpvcGVuc2VzYW1l' },
  { text: 'Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b', secret: '9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b' },
  { text: 'X-Api-Key: 5f4dcc3b5aa765d61d8327deb882cf99', secret: '5f4dcc3b5aa765d61d8327deb882cf99' },
  { text: 'X-Auth-Token: a1b2c3d4e5', secret: 'a1b2c3d4e5' },
  {
    text: 'Cookie: warroom_session=s%3Aabc123.sig; theme=dark',
    secret: 's%3Aabc123.sig',
    kept: ['Cookie: warroom_session=', '; theme='],
  },
  { text: 'Set-Cookie: warroom_session=Fe26.2**abc; Path=/; HttpOnly; SameSite=Lax', secret: 'Fe26.2**abc' },
  { text: '{"headers":{"cookie":"sid=8f3c2a1b; csrftoken=zz91"}}', secret: '8f3c2a1b', kept: ['{"headers":{"cookie":"sid=', '"}}'] },
  // PEM private keys
  {
    text: `key:\n${RSA_KEY}\ndone`,
    secret: 'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn',
    kept: ['-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----\ndone'],
  },
  {
    text: OPENSSH_KEY,
    secret: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    kept: ['-----BEGIN OPENSSH PRIVATE KEY-----', '-----END OPENSSH PRIVATE KEY-----'],
  },
  {
    text: '{"key":"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oZk\\n-----END EC PRIVATE KEY-----\\n"}',
    secret: 'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oZk',
    kept: ['-----BEGIN EC PRIVATE KEY-----', '-----END EC PRIVATE KEY-----\\n"}'],
  },
  {
    text: 'cut: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
    secret: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
    kept: ['cut: -----BEGIN PRIVATE KEY-----'],
  },
  {
    text: 'QyNTUxOQAAACDz9vFqU4yB4Aw8c5LqZ3xUo2pXbqBmq6qjQxE4zG0KqFqAAAAJgUu1pzFL',
    secret: 'QyNTUxOQAAACDz9vFqU4yB4Aw8c5LqZ3xUo2pXbqBmq6qjQxE4zG0KqFqAAAAJgUu1pzFL',
    kept: [],
  },
  // Known token shapes, anywhere
  { text: 'key AKIAIOSFODNN7EXAMPLE used', secret: 'AKIAIOSFODNN7EXAMPLE' },
  {
    text: 'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired',
    secret: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  },
  { text: 'pushed with ghp_16C7e42F292c6912E7710c838347Ae178B4a today', secret: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' },
  {
    text: 'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    secret: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  },
  { text: 'glpat-aB3dE5fG7hI9jK1lM3nO in CI', secret: 'glpat-aB3dE5fG7hI9jK1lM3nO' },
  {
    text: 'bot xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx posted',
    secret: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  },
  { text: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET', secret: 'T000/B000/XXXXSECRET' },
  {
    text: 'token wr_0123456789ab_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ',
    secret: 'wr_0123456789ab_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ',
  },
  { text: 'charged with sk_live_51H8abcdEFGH1234 by mistake', secret: 'sk_live_51H8abcdEFGH1234' },
  { text: 'maps key AIzaSyA-1234567890abcdefghijklmnopqrstu in the page', secret: 'AIzaSyA-1234567890abcdefghijklmnopqrstu' },
];

export const INNOCENTS: string[] = [
  // warroom's own messages (src/app, src/server, src/cli, src/config)
  'password: must be at least 10 characters',
  'missing or invalid token: send "Authorization: Bearer <token>" (create one with "warroom token create")',
  'missing or invalid token: send "Authorization: Bearer <token>" (create one with "warroom token create --role responder")',
  'missing or wrong CSRF token: reload the page and try again (send the X-CSRF-Token header from GET /api/v1/session)',
  'token: sign in with a token or with a user name and password, not both',
  'password: enter your password',
  'password: give it on standard input with --password-stdin, or in $WARROOM_PASSWORD (never as an argument, where ps would show it)',
  'username: enter your user name (or sign in with an API token)',
  'wrong user name or password',
  'use a secret of at least 16 characters',
  'coordination.webhooks[0].secret: use a secret of at least 16 characters',
  'Create an API token; the token is in the response once',
  'List API tokens (never the secrets)',
  'No tokens. Create one with "warroom token create"',
  'GET /metrics needs a token of any role ("warroom token create --role viewer"), or metrics.public: true in warroom.yaml',
  'token 0123456789ab not found or already revoked',
  'Sign in with a user name and password or an API token; sets an httpOnly session cookie',
  'add a user (password from --password-stdin or $WARROOM_PASSWORD, hashed with scrypt)',
  'curl -H "Authorization: Bearer $WARROOM_TOKEN" http://localhost:8080/api/v1/incidents',
  // Validation messages in the "field: problem" form
  'password: required',
  'token: missing',
  'token: expired',
  'token: invalid',
  'secret: is required',
  'password: expected a string, got number',
  "password: can't be empty",
  'api_key: "X-Api-Key" header expected',
  'missing or invalid token: "Authorization" header is required',
  'channels.slack.bot_token',
  'channels.slack.bot_token: must be set',
  'channels.slack.bot_token: "${SLACK_BOT_TOKEN}"',
  'channels.slack.bot_token: ${SLACK_BOT_TOKEN}',
  'WARROOM_TOKEN=${WARROOM_TOKEN}',
  'export WARROOM_TOKEN=$WARROOM_TOKEN',
  'Authorization: Bearer <token>',
  'password: [REDACTED]',
  // Prose
  'the password must be reset',
  'token bucket refilled: 40 tokens/s',
  'Authorization header missing',
  'Set-Cookie header missing on /login',
  'a Bearer token is required',
  'Bearer authentication failed',
  'Basic auth is disabled',
  'Basic checks passed',
  'set PGPASSWORD in the environment',
  'DB_PASSWORD is not set',
  'the secret to a fast recovery is a good runbook',
  'Rotate the token: run "warroom token create" then revoke the old one',
  'Secret rotation: completed for 3 services',
  'INC-7 resolved: the token refresh job was stuck for 40 minutes',
  'passwordless sign-in is enabled',
  'read the password from standard input',
  'password reset email sent to ana@example.com',
  // Keys that merely contain a secret word, and harmless values
  'password_min_length: 10',
  'token_count=4096',
  'max_tokens: 1024',
  'tokenizer: bpe',
  'secret_name: db-credentials',
  'author: alice',
  'bypass=true',
  'auth=ok user=ana',
  'auth: failed for user ana',
  'PWD=/home/deploy/app',
  '{"token_type":"Bearer","expires_in":3600}',
  '{"password":null,"token":""}',
  // URLs without passwords, ids and versions in ordinary log lines
  'postgres://user@host/db',
  'postgres://app@db.internal:5432/orders?sslmode=require',
  'https://status.example.com/incidents/INC-7',
  'http://localhost:8080/healthz',
  'https://host:8443/login?next=/dashboard&email=ana@example.com',
  'redis://cache:6379/0',
  'git@github.com:acme/backend.git',
  'GET /orders/123 500 in 12ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7',
  'request 7c9e6679-7425-40de-944b-e07fc1f90ae7 failed after 3 retries',
  'deployed version 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39 to backend',
  'rolled back to version 3f2a9c1',
  'image sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 pulled',
  'connecting to db.internal:5432 as app',
  '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'F1D2D2F924E986AC86FDF7B36C94BCDF32BEEC15F1D2D2F924E986AC86FDF7B3',
  'email ana@example.com reported a 500',
];
