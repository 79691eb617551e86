import type { Plugin } from 'graphql-yoga';
import { signedInViewer } from '../../context.js';
import { useExportEndpoint } from '../common/export-endpoint.js';
import { matchLocale } from '../i18n/locale.js';
import { requireVisibleEvent } from './forum.access.js';
import { sessionsOf } from './forum-event.service.js';
import { attendeesCsv, eventCalendar } from './forum-exports.js';

// GET /forum-events/{id}/calendar.ics: the event's calendar, without a session for PUBLIC events
// (anyone may subscribe), with one for the others. ?locale= picks the language.
// GET /forum-events/{id}/attendees.csv: every registration, for the event's organizers.

export function useForumCalendarEndpoint(): Plugin {
  return useExportEndpoint({
    path: /^\/forum-events\/([^/]+)\/calendar\.ics$/,
    typename: 'ForumEvent',
    failure: 'forum calendar export failed',
    anonymous: true,
    render: async (context, eventId, _match, url) => {
      const event = await requireVisibleEvent(context.viewer, eventId);
      const locale = matchLocale(url.searchParams.get('locale') ?? '') ?? context.locale;
      return {
        body: eventCalendar({ ...event, sessions: await sessionsOf(event.id) }, locale),
        type: 'text/calendar; charset=utf-8',
        filename: `event-${event.id}.ics`,
      };
    },
  });
}

export function useAttendeesCsvEndpoint(): Plugin {
  return useExportEndpoint({
    path: /^\/forum-events\/([^/]+)\/attendees\.csv$/,
    typename: 'ForumEvent',
    failure: 'attendee list export failed',
    render: async (context, eventId) => ({
      body: await attendeesCsv(signedInViewer(context), eventId),
      type: 'text/csv; charset=utf-8',
      filename: `attendees-${eventId}.csv`,
    }),
  });
}
