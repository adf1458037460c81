import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import {
  ListOutboxQuery,
  NotificationPreferencesDto,
  OutboxMessageDto,
  OutboxPageDto,
  UpdateNotificationPreferencesDto,
} from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('users/me/notification-preferences')
  @ApiOperation({ summary: 'Which mail you receive' })
  @Audited('notification_preferences.read', { entity: 'user' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  preferences(@CurrentUser() user: AuthenticatedUser): Promise<NotificationPreferencesDto> {
    return this.notifications.preferences(user);
  }

  @Put('users/me/notification-preferences')
  @ApiOperation({ summary: 'Choose which mail you receive (kinds not named keep their setting)' })
  @Audited('notification_preferences.update', { entity: 'user' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  setPreferences(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: UpdateNotificationPreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    return this.notifications.setPreferences(user, dto);
  }

  @Get('notifications/outbox')
  @Roles('admin')
  @ApiOperation({ summary: 'The outbox: every mail, sent, waiting or failed (newest first)' })
  @Audited('notification_outbox.list', { entity: 'notification_outbox' })
  @ApiOkResponse({ type: OutboxPageDto })
  outbox(@Query() query: ListOutboxQuery): Promise<OutboxPageDto> {
    return this.notifications.list(query);
  }

  @Post('notifications/outbox/:id/retry')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed (or waiting) mail again now' })
  @Audited('notification_outbox.retry', { entity: 'notification_outbox', idParam: 'id' })
  @ApiOkResponse({ type: OutboxMessageDto })
  @ApiNotFoundResponse({ description: 'No unsent message with this id' })
  retry(@Param('id', new ParseUUIDPipe()) id: string): Promise<OutboxMessageDto> {
    return this.notifications.retry(id);
  }
}
