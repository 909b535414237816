import type { MouseEvent } from 'react';
import { describeLinkTarget } from '../lib/answer-links.ts';
import { ExternalIcon } from './icons.tsx';
import { Modal } from './modal.tsx';

/**
 * "Open this link?" for a link the answer did not get from its sources: the full address and its
 * site, spelled out, with Cancel focused first.
 */
export function LinkConfirmDialog({ href, onClose }: { href: string; onClose: () => void }) {
  const target = describeLinkTarget(href);
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    // Opened here, not by the anchor's default action: the dialog closes in the same click.
    event.preventDefault();
    window.open(target.address, '_blank', 'noopener,noreferrer');
    onClose();
  };
  return (
    <Modal
      title="Open this link?"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <a className="button primary" href={target.address} target="_blank" rel="noopener noreferrer nofollow" onClick={open}>
            <ExternalIcon /> Open link
          </a>
        </>
      }
    >
      <p>The answer links to an address that is not in its sources. Check where it goes before you open it.</p>
      <p className="link-target">
        <code>{target.address}</code>
      </p>
      {target.host ? (
        <p className="muted small">
          Site: <strong>{target.host}</strong>
        </p>
      ) : null}
    </Modal>
  );
}
