import type { Transporter } from 'nodemailer';

/** A plain-text email to one or more recipients. */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
  /** The Message-ID header (`<…@…>`): the same for a message sent again, so that mail systems can tell it is one message. */
  messageId?: string;
}

/** Sends mail. `send` resolves once the server has accepted the message for at least one recipient. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

export interface SmtpOptions {
  /** `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it) or `smtps://…` (TLS from the start). */
  url: string;
  /** The From address (`alerts@example.com` or `orgplane <alerts@example.com>`). */
  from: string;
  /** Longest wait for the connection, the greeting, or a reply from the server, in ms (default 30 s). */
  timeoutMs?: number;
}

/**
 * A Mailer over SMTP (nodemailer): one connection per message, each step bounded by `timeoutMs`.
 * nodemailer is loaded with the first message (a server that never sends mail starts without it).
 */
export function smtpMailer(options: SmtpOptions): Mailer {
  const timeout = options.timeoutMs ?? 30_000;
  let transport: Promise<Transporter> | undefined;
  const open = async () => {
    const { createTransport } = await import('nodemailer');
    return createTransport({ url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout }, { from: options.from });
  };
  return {
    async send(mail) {
      await (await (transport ??= open())).sendMail({ to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    },
    close: () => void transport?.then((t) => t.close(), () => undefined),
  };
}
