import { Injectable } from '@nestjs/common';

/** Set at shutdown: health answers 503 so load balancers stop sending traffic. */
@Injectable()
export class DrainState {
  draining = false;
}
