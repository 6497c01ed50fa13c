// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import { UpdateComposer, type UpdatePost } from './update-composer.js';

const NOW = Date.parse('2026-11-27T10:45:00.000Z');
const incident = { id: 'INC-7', title: 'Checkout returns 502', severity: 'SEV2' as const, status: 'investigating' as const, declaredAt: '2026-11-27T10:00:00.000Z', services: ['checkout'] };

afterEach(cleanup);

function setup(opts: { publicByDefault?: boolean; onPost?: (u: UpdatePost) => Promise<void> } = {}) {
  const onPost = vi.fn(opts.onPost ?? (async () => {}));
  render(<UpdateComposer incident={incident} cadenceMinutes={30} publicByDefault={opts.publicByDefault ?? true} onPost={onPost} now={NOW} />);
  const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
  return { onPost, type };
}

describe('UpdateComposer', () => {
  it("fills the seed's internal update template from the incident and the fields", () => {
    const { type } = setup();
    type('Current findings', 'DB pool exhausted');
    type('Actions in progress', 'Rolling back deploy abc123');
    expect(screen.getByTestId('preview-internal').textContent).toBe([
      'INCIDENT UPDATE: Checkout returns 502',
      'Severity: SEV2',
      'Duration: 45m 00s',
      'Status: Investigating',
      'Current findings: DB pool exhausted',
      'Actions in progress: Rolling back deploy abc123',
      'Next update: 2026-11-27 11:15 UTC',
    ].join('\n'));
  });

  it('previews the status page template for the chosen status', () => {
    const { type } = setup();
    type('Issue, as users see it', 'errors at checkout');
    type('User-visible impact', 'failed payments');
    expect(screen.getByTestId('preview-public').textContent).toBe('[Investigating] We are investigating reports of errors at checkout.\nUsers may experience failed payments.\nWe will provide an update within 30 minutes.');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'identified' } });
    type('Identified as (brief, public)', 'a database connection leak');
    type('Estimated resolution', 'within 30 minutes');
    expect(screen.getByTestId('preview-public').textContent).toBe('[Identified] The issue has been identified as a database connection leak.\nWe are working on a fix. Estimated resolution: within 30 minutes.');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'resolved' } });
    type('Root cause (brief, public)', 'a connection leak in a new endpoint');
    expect(screen.getByTestId('preview-public').textContent).toBe('[Resolved] The issue affecting checkout has been resolved.\nThe root cause was a connection leak in a new endpoint.\nWe apologize for the disruption and will publish a detailed post-mortem.');
    expect(screen.getByTestId('preview-internal').textContent).toContain('Next update: none (resolved)');
  });

  it('validates beside the fields and refuses to post template placeholders publicly', async () => {
    const { onPost, type } = setup();
    fireEvent.click(screen.getByRole('button', { name: /Post update/ }));
    expect(await screen.findByText(/Say what we know so far/)).toBeTruthy();
    expect(screen.getByText(/Say what we are doing now/)).toBeTruthy();
    expect(screen.getByText(/Fill in \[issue description\], \[user-visible impact\]/)).toBeTruthy();
    expect(screen.getByLabelText('Current findings').getAttribute('aria-invalid')).toBe('true');
    type('Next update in (minutes)', '0');
    fireEvent.click(screen.getByRole('button', { name: /Post update/ }));
    expect(await screen.findByText(/between 1 and 10080/)).toBeTruthy();
    expect(onPost).not.toHaveBeenCalled();
  });

  it('posts exactly what it previews', async () => {
    const { onPost, type } = setup();
    type('Current findings', 'DB pool exhausted');
    type('Actions in progress', 'Rolling back');
    type('Issue, as users see it', 'errors at checkout');
    type('User-visible impact', 'failed payments');
    const internal = screen.getByTestId('preview-internal').textContent;
    const pub = screen.getByTestId('preview-public').textContent;
    fireEvent.click(screen.getByRole('button', { name: 'Post update (internal + status page)' }));
    await screen.findByText('Update posted.');
    expect(onPost).toHaveBeenCalledWith({ status: 'investigating', findings: 'DB pool exhausted', actions: 'Rolling back', nextInMinutes: 30, internalText: internal, publicText: pub });
  });

  it('posts internally only when the status page box is unticked, and lets the public text be edited', async () => {
    const { onPost, type } = setup({ publicByDefault: false });
    expect(screen.queryByTestId('preview-public')).toBeNull();
    type('Current findings', 'Still investigating');
    type('Actions in progress', 'Checking logs');
    fireEvent.click(screen.getByRole('button', { name: 'Post internal update' }));
    await waitFor(() => expect(onPost).toHaveBeenCalledWith(expect.objectContaining({ publicText: null })));
    fireEvent.click(screen.getByLabelText(/Also post on the public status page/));
    fireEvent.click(screen.getByRole('button', { name: 'Edit the public wording' }));
    type('Public text (posted exactly as written)', 'We are looking into slow checkouts.');
    fireEvent.click(screen.getByRole('button', { name: /Post update/ }));
    await waitFor(() => expect(onPost).toHaveBeenLastCalledWith(expect.objectContaining({ publicText: 'We are looking into slow checkouts.' })));
  });

  it('shows API errors: beside the field the server names, otherwise in a banner', async () => {
    let n = 0;
    const { type } = setup({
      publicByDefault: false,
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
