import { t } from './i18n.ts';

// The pieces of the sign-in page and the account page: typed fields, a problem line, a new
// authenticator to scan, and recovery codes shown once.

/** The fields of these forms, each with the type and autocomplete password managers expect. */
const FIELDS = {
  email: { type: 'email', autoComplete: 'username' },
  password: { type: 'password', autoComplete: 'current-password' },
  'new-password': { type: 'password', autoComplete: 'new-password' },
  code: { type: 'text', autoComplete: 'one-time-code' },
} as const;

export function Field(props: {
  label: string;
  field: keyof typeof FIELDS;
  value: string;
  onInput: (value: string) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        {...FIELDS[props.field]}
        name={props.field}
        required
        value={props.value}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

export function Problem({ text }: { text: string | null }) {
  return text ? (
    <p class="problem" role="alert">
      {text}
    </p>
  ) : null;
}

export interface Enrolment {
  secret: string;
  uri: string;
  qrCode: string;
}

/** An authenticator being set up: its QR code, its key to type, and its URI for a phone. */
export function NewAuthenticator({ enrolment }: { enrolment: Enrolment }) {
  const words = t();
  return (
    <>
      <img class="qr" src={enrolment.qrCode} alt={words.secretKey} width={240} height={240} />
      <p>
        {words.secretKey}: <code>{enrolment.secret}</code>
      </p>
      <p>
        <a href={enrolment.uri}>{enrolment.uri.split('?')[0]}</a>
      </p>
    </>
  );
}

/** Recovery codes, shown this once, with what they are for. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const words = t();
  return (
    <>
      <p>{words.recoveryIntro}</p>
      <ul class="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </>
  );
}
