// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import { UpdateComposer, type UpdatePlan, type UpdatePost } from './update-composer.js';

const NOW = Date.parse('2026-11-27T10:45:00.000Z');
const incident = {
  id: 'INC-7',
  title: 'Checkout returns 502',
  severity: 'SEV3' as const,
  status: 'investigating' as const,
  declaredAt: '2026-11-27T10:00:00.000Z',
  services: ['checkout'],
};

afterEach(cleanup);

function setup(
  opts: { publicByDefault?: boolean; onPost?: (u: UpdatePost) => Promise<void>; onPreview?: (u: UpdatePost) => Promise<UpdatePlan> } = {},
) {
  const onPost = vi.fn(opts.onPost ?? (async () => {}));
  render(
    <UpdateComposer
      incident={incident}
      cadenceMinutes={120}
      publicByDefault={opts.publicByDefault ?? false}
      onPost={onPost}
      onPreview={opts.onPreview}
      now={NOW}
    />,
  );
  const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
  return { onPost, type };
}

describe('UpdateComposer', () => {
  it("fills the seed's internal update template and the timeline entry from the incident and the fields", () => {
    const { type } = setup();
    type('Current findings', 'DB pool exhausted');
    type('Actions in progress', 'Rolling back deploy abc123');
    expect(screen.getByTestId('preview-internal').textContent).toBe(
      [
        'INCIDENT UPDATE: Checkout returns 502',
        'Severity: SEV3',
        'Duration: 45m 00s',
        'Status: Investigating',
        'Current findings: DB pool exhausted',
        'Actions in progress: Rolling back deploy abc123',
        'Next update: 2026-11-27 12:45 UTC',
      ].join('\n'),
    );
    expect(screen.getByTestId('preview-timeline').textContent).toBe(
      'Update (Investigating): findings: DB pool exhausted — actions: Rolling back deploy abc123',
    );
    expect(screen.queryByTestId('preview-public')).toBeNull();
  });

  it('previews the status page template for each status', () => {
    setup({ publicByDefault: true });
    expect(screen.getByText(/always go to the public status page/)).toBeTruthy();
    const pub = () => screen.getByTestId('preview-public').textContent;
    expect(pub()).toBe(
      '[Investigating] We are investigating reports of a problem affecting checkout.\nUsers may experience errors or slowness.\nWe will provide an update within 2h 00m.',
    );
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'identified' } });
    fireEvent.change(screen.getByLabelText('Public description: identified as'), { target: { value: 'a database connection leak' } });
    fireEvent.change(screen.getByLabelText('Estimated resolution (public)'), { target: { value: 'within 30 minutes' } });
    expect(pub()).toBe(
      '[Identified] The issue has been identified as a database connection leak.\nWe are working on a fix. Estimated resolution: within 30 minutes.',
    );
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'resolved' } });
    expect(pub()).toBe(
      '[Resolved] The issue affecting checkout has been resolved.\nThe root cause was a database connection leak.\nWe apologize for the disruption and will publish a detailed post-mortem.',
    );
    expect(screen.getByTestId('preview-internal').textContent).toContain('Next update: none (resolved)');
  });

  it('shows the server dry run as the preview once it answers for the current text', async () => {
    const onPreview = vi.fn(async (u: UpdatePost): Promise<UpdatePlan> => ({
      messages: [{ channel: 'slack', target: '#incidents-low', kind: 'update', summary: 's', text: `CUSTOM: ${u.findings}` }],
      statusPage: [{ state: 'investigating', title: 'Checkout', text: `Custom public: ${u.public}` }],
      nextUpdateDueAt: '2026-11-27T12:45:00.000Z',
    }));
    const { type } = setup({ onPreview });
    fireEvent.click(screen.getByLabelText(/Also post on the public status page/));
    type('Current findings', 'DB pool exhausted');
    type('Actions in progress', 'Rolling back');
    type(/Public description/, 'slow checkouts');
    await waitFor(() => expect(screen.getByTestId('preview-message').textContent).toBe('CUSTOM: DB pool exhausted'), { timeout: 3000 });
    expect(screen.getByText('slack → #incidents-low')).toBeTruthy();
    expect(screen.getByTestId('preview-public').textContent).toBe('[Investigating] Custom public: slow checkouts');
    expect(onPreview).toHaveBeenLastCalledWith({
      status: 'investigating',
      findings: 'DB pool exhausted',
      actions: 'Rolling back',
      public: 'slow checkouts',
      eta: null,
    });
  });

  it('validates beside the fields and posts nothing', async () => {
    const { onPost } = setup();
    fireEvent.click(screen.getByLabelText(/Also post on the public status page/));
    fireEvent.click(screen.getByRole('button', { name: /Post update/ }));
    expect(await screen.findByText(/Say what we know so far/)).toBeTruthy();
    expect(screen.getByText(/Say what we are doing now/)).toBeTruthy();
    expect(screen.getByText(/Write the public description/)).toBeTruthy();
    expect(screen.getByLabelText('Current findings').getAttribute('aria-invalid')).toBe('true');
    expect(onPost).not.toHaveBeenCalled();
  });

  it('posts the fields it previews; internal only unless the box is ticked', async () => {
    const { onPost, type } = setup();
    type('Current findings', 'DB pool exhausted');
    type('Actions in progress', 'Rolling back');
    fireEvent.click(screen.getByRole('button', { name: 'Post internal update' }));
    await screen.findByText('Update posted.');
    expect(onPost).toHaveBeenLastCalledWith({
      status: 'investigating',
      findings: 'DB pool exhausted',
      actions: 'Rolling back',
      public: null,
      eta: null,
    });
    fireEvent.click(screen.getByLabelText(/Also post on the public status page/));
    type('Current findings', 'Leak found');
    type('Actions in progress', 'Deploying fix');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'identified' } });
    type('Public description: identified as', 'a connection leak');
    type('Estimated resolution (public)', '1 hour');
    fireEvent.click(screen.getByRole('button', { name: 'Post update (internal + status page)' }));
    await waitFor(() =>
      expect(onPost).toHaveBeenLastCalledWith({
        status: 'identified',
        findings: 'Leak found',
        actions: 'Deploying fix',
        public: 'a connection leak',
        eta: '1 hour',
      }),
    );
  });

  it('shows API errors: beside the field the server names, otherwise in a banner', async () => {
    let n = 0;
    const { type } = setup({
      onPost: async () => {
        n++;
        if (n === 1) throw new ApiError('VALIDATION', 'findings: contains control characters or invalid UTF-8', 400, 'findings');
        throw new ApiError('INVALID_TRANSITION', 'INC-7 is resolved; reopen it first', 409);
      },
    });
    type('Current findings', 'x');
    type('Actions in progress', 'y');
    fireEvent.click(screen.getByRole('button', { name: 'Post internal update' }));
    expect(await screen.findByText('contains control characters or invalid UTF-8')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Post internal update' }));
    const banner = await screen.findByText(/INC-7 is resolved; reopen it first/);
    expect(banner.closest('[role="alert"]')?.textContent).toContain('invalid transition');
  });

  it('renders user text as text, never HTML', () => {
    const { type } = setup();
    type('Current findings', '<img src=x onerror="window.__x=1">');
    const pre = screen.getByTestId('preview-internal');
    expect(pre.querySelector('img')).toBeNull();
    expect(pre.textContent).toContain('<img src=x onerror="window.__x=1">');
  });
});
